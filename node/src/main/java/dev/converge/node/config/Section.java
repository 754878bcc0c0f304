package dev.converge.node.config;

import dev.converge.specs.parse.RuleSyntax;
import dev.converge.specs.parse.YamlNode;
import java.util.List;
import java.util.Optional;

/**
 * One map of the file being read as one kind of section: made only if the value is a map, noting each key it does not
 * know (with the closest known key) and each required key it lacks, and carrying on. Confined to the reading thread.
 */
final class Section {
    private final YamlNode.Mapping map;
    private final String path;
    private final Problems problems;

    private Section(YamlNode.Mapping map, String path, Problems problems) {
        this.map = map;
        this.path = path;
        this.problems = problems;
    }

    /** The section, or empty (and a problem noted) if {@code node} is not a map. */
    static Optional<Section> of(YamlNode node, String path, List<String> known, Problems problems) {
        if (!(node instanceof YamlNode.Mapping map)) {
            problems.add(node, path, "expected a map (key: value lines), found " + node.describe());
            return Optional.empty();
        }
        for (YamlNode.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String hint = RuleSyntax.closestKey(e.key(), known).map(k -> "did you mean '" + k + "'? ").orElse("");
                problems.add(e, join(path, e.key()), "unknown key (" + hint + "known keys: " + String.join(", ", known) + ")");
            }
        }
        return Optional.of(new Section(map, path, problems));
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path(String key) {
        return join(path, key);
    }

    YamlNode.Mapping map() {
        return map;
    }

    Optional<YamlNode> get(String key) {
        return Optional.ofNullable(map.entries().get(key)).map(YamlNode.Entry::value);
    }

    /** The value of a required key; if missing, a problem is noted at the map and the value is empty. */
    Optional<YamlNode> required(String key, String expected) {
        Optional<YamlNode> value = get(key);
        if (value.isEmpty()) {
            problems.add(map, path(key), "missing: expected " + expected);
        }
        return value;
    }
}
