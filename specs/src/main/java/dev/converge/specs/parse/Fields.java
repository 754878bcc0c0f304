package dev.converge.specs.parse;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A YAML map being read as one kind of format object: its keys are checked against the known ones when it is made,
 * and each read names the key's path ({@code nodes[2].priority}) in its error.
 */
final class Fields {
    private final YamlNode.Mapping map;
    private final String path;

    private Fields(YamlNode.Mapping map, String path) {
        this.map = map;
        this.path = path;
    }

    /** @throws Malformed if {@code node} is not a map or has a key not in {@code known} */
    static Fields of(YamlNode node, String path, List<String> known) {
        YamlNode.Mapping map = Read.mapping(node, path.isEmpty() ? "the scenario" : path);
        for (YamlNode.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String key = path.isEmpty() ? e.key() : path + "." + e.key();
                throw new Malformed(e.line(), e.column(), key, unknownKey(e.key(), "", known), unknownKey(e.key(), path, known));
            }
        }
        return new Fields(map, path);
    }

    private static String unknownKey(String key, String path, List<String> known) {
        String where = path.isEmpty() ? "" : " in " + path;
        String hint = Keys.closest(key, known).map(k -> "did you mean '" + k + "'? ").orElse("");
        return "unknown key '" + key + "'" + where + " (" + hint + "known keys: " + String.join(", ", known) + ")";
    }

    int line() {
        return map.line();
    }

    String path() {
        return path;
    }

    boolean has(String key) {
        return map.entries().containsKey(key);
    }

    /** The path of one of this map's keys, for messages and nested reads. */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Optional<YamlNode> get(String key) {
        return Optional.ofNullable(map.entries().get(key)).map(YamlNode.Entry::value);
    }

    YamlNode require(String key) {
        return get(key).orElseThrow(() -> new Malformed(map.line(), map.column(), path.isEmpty() ? null : path,
            "missing required key '" + key + "'", "missing required key '" + key + "'" + (path.isEmpty() ? "" : " in " + path)));
    }

    /** Reads an optional key with a typed reader such as {@code Read::text}. */
    <T> Optional<T> optional(String key, BiFunction<YamlNode, String, T> reader) {
        return get(key).map(node -> reader.apply(node, path(key)));
    }

    <T> T required(String key, BiFunction<YamlNode, String, T> reader) {
        return reader.apply(require(key), path(key));
    }
}
