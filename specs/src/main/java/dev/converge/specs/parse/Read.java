package dev.converge.specs.parse;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Typed reads of single YAML values; each failure names the value's path and line and says what was expected. */
final class Read {
    private Read() {
    }

    static YamlNode.Mapping mapping(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping m) {
            return m;
        }
        throw wrongType(node, path, "a map");
    }

    static List<YamlNode> list(YamlNode node, String path) {
        if (node instanceof YamlNode.Sequence s) {
            return s.items();
        }
        throw wrongType(node, path, "a list");
    }

    /** The text of a non-null scalar, as written (a number or boolean is taken as its text). */
    static String text(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() != null) {
            return s.text();
        }
        throw wrongType(node, path, "text");
    }

    static String nonBlankText(YamlNode node, String path) {
        String text = text(node, path);
        if (text.isBlank()) {
            throw Malformed.at(node, path, "may not be empty");
        }
        return text;
    }

    static int integer(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() instanceof Long l
            && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw wrongType(node, path, "a whole number");
    }

    static boolean bool(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() instanceof Boolean b) {
            return b;
        }
        throw wrongType(node, path, "true or false");
    }

    /** A column value: any scalar, null included, but not a map or a list. */
    static Object value(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s) {
            return s.value();
        }
        throw wrongType(node, path, "a value (text, number, true/false or null)");
    }

    static Malformed wrongType(YamlNode node, String path, String expected) {
        return Malformed.at(node, path, "expected " + expected + ", found " + node.describe());
    }

    /**
     * One of a fixed set of words ({@code row}, {@code transaction}; {@code h2}, {@code postgresql}; ...), ignoring
     * case; the error lists every word allowed.
     */
    static <T> T oneOf(YamlNode node, String path, String what, T[] values, Function<T, String> word) {
        String text = text(node, path).strip();
        for (T value : values) {
            if (word.apply(value).equalsIgnoreCase(text)) {
                return value;
            }
        }
        String allowed = Arrays.stream(values).map(word).collect(Collectors.joining(", "));
        throw Malformed.at(node, path, "unknown " + what + " '" + text + "' (expected one of: " + allowed + ")");
    }
}
