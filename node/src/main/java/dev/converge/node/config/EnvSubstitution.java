package dev.converge.node.config;

import dev.converge.specs.parse.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in the file's text values, replaced by environment variables before any
 * value is read, so that passwords and secrets stay out of the file. {@code $${} writes a literal {@code ${}. A
 * variable that is not set (and has no default) is a problem naming the key; its value is never echoed. Stateless.
 */
final class EnvSubstitution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,18}");

    private final Function<String, String> environment;
    private final Problems problems;

    EnvSubstitution(Function<String, String> environment, Problems problems) {
        this.environment = environment;
        this.problems = problems;
    }

    /** The tree with every text value substituted; problems go to {@link Problems}. */
    YamlNode apply(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping m) {
            Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
            m.entries().forEach((k, e) -> entries.put(k, new YamlNode.Entry(k, e.line(), e.column(),
                apply(e.value(), path.isEmpty() ? k : path + "." + k))));
            return new YamlNode.Mapping(m.line(), m.column(), entries);
        }
        if (node instanceof YamlNode.Sequence s) {
            List<YamlNode> items = new ArrayList<>();
            for (int i = 0; i < s.items().size(); i++) {
                items.add(apply(s.items().get(i), path + "[" + i + "]"));
            }
            return new YamlNode.Sequence(s.line(), s.column(), items);
        }
        YamlNode.Scalar s = (YamlNode.Scalar) node;
        return s.value() instanceof String text && text.contains("${") ? scalar(s, text, path) : s;
    }

    /**
     * The substituted text, typed again as YAML would a plain value: {@code priority: ${PRIORITY}} is a number when the
     * variable holds one.
     */
    private YamlNode scalar(YamlNode.Scalar s, String text, String path) {
        String result = substitute(s, text, path);
        Object value = result;
        if (WHOLE_NUMBER.matcher(result).matches()) {
            value = Long.parseLong(result);
        } else if (result.equals("true") || result.equals("false")) {
            value = Boolean.parseBoolean(result);
        }
        return new YamlNode.Scalar(s.line(), s.column(), result, value);
    }

    private String substitute(YamlNode.Scalar at, String text, String path) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    problems.add(at, path, "'${' is not closed: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)");
                    return text;
                }
                out.append(variable(at, text.substring(i + 2, end), path));
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private String variable(YamlNode.Scalar at, String reference, String path) {
        int dash = reference.indexOf(":-");
        String name = dash < 0 ? reference : reference.substring(0, dash);
        if (!NAME.matcher(name).matches()) {
            problems.add(at, path, "'${" + reference + "}' does not name an environment variable (letters, digits, _)");
            return "";
        }
        String value = environment.apply(name);
        if (value != null) {
            return value;
        }
        if (dash >= 0) {
            return reference.substring(dash + 2);
        }
        problems.add(at, path, "environment variable " + name + " is not set (set it, or write ${" + name
            + ":-default})");
        return "";
    }
}
