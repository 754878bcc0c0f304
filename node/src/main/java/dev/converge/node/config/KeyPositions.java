package dev.converge.node.config;

import dev.converge.config.ConfigError;
import dev.converge.specs.parse.Malformed;
import dev.converge.specs.parse.YamlNode;
import dev.converge.specs.parse.YamlTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Places a problem the database check found (a core {@link ConfigError}, which names a table, not a line) at the key
 * of the file it is about, so that it reads like every other problem: {@code tables.gone} for "table gone: no such
 * table", {@code tables.pers.filter} for a row filter that does not fit. Reads the file again; a problem it cannot
 * place goes on line 1. Stateless.
 */
final class KeyPositions {
    private KeyPositions() {
    }

    static ConfigProblem locate(Path file, ConfigError error) {
        Optional<YamlNode.Mapping> root = tree(file);
        String where = error.where();
        if (where.startsWith("table ") && root.isPresent()) {
            String rest = where.substring("table ".length());
            boolean resolver = rest.endsWith(" resolver");
            String table = resolver ? rest.substring(0, rest.length() - " resolver".length()) : rest;
            Optional<YamlNode.Entry> entry = entry(root.get(), "tables").flatMap(t -> tableEntry(t.value(), table));
            if (entry.isPresent()) {
                String key = "tables." + entry.get().key();
                String sub = resolver ? "resolver" : error.problem().startsWith("row filter") ? "filter"
                    : error.problem().startsWith("column subset") ? "columns" : null;
                Optional<YamlNode.Entry> inner = sub == null ? Optional.empty() : entry(entry.get().value(), sub);
                YamlNode.Entry at = inner.orElse(entry.get());
                return new ConfigProblem(file, at.line(), at.column(), inner.isPresent() ? key + "." + sub : key,
                    error.problem());
            }
        }
        Optional<YamlNode.Entry> top = root.flatMap(r -> path(r, where));
        return top.map(e -> new ConfigProblem(file, e.line(), e.column(), where, error.problem()))
            .orElse(new ConfigProblem(file, 1, 0, where, error.problem()));
    }

    private static Optional<YamlNode.Mapping> tree(Path file) {
        try {
            return Optional.of(YamlTree.read(Files.readString(file), "node configuration", "empty"))
                .filter(YamlNode.Mapping.class::isInstance).map(YamlNode.Mapping.class::cast);
        } catch (IOException | Malformed e) {
            return Optional.empty();
        }
    }

    /** The entry at a dotted key path such as {@code defaults.resolver} or {@code peers[1].id} (an item of a list). */
    private static Optional<YamlNode.Entry> path(YamlNode.Mapping root, String dotted) {
        YamlNode node = root;
        Optional<YamlNode.Entry> at = Optional.empty();
        for (String key : dotted.split("\\.")) {
            java.util.regex.Matcher item = ITEM.matcher(key);
            boolean indexed = item.matches();
            at = entry(node, indexed ? item.group(1) : key);
            if (at.isEmpty()) {
                return Optional.empty();
            }
            node = at.get().value();
            if (indexed) {
                int i = Integer.parseInt(item.group(2));
                if (!(node instanceof YamlNode.Sequence seq) || i >= seq.items().size()) {
                    return Optional.empty();
                }
                node = seq.items().get(i);
            }
        }
        return at;
    }

    private static final java.util.regex.Pattern ITEM = java.util.regex.Pattern.compile("(.+)\\[(\\d+)]");

    private static Optional<YamlNode.Entry> entry(YamlNode node, String key) {
        return node instanceof YamlNode.Mapping m ? Optional.ofNullable(m.entries().get(key)) : Optional.empty();
    }

    /** The configuration's name, as the core does: exactly, else ignoring case. */
    private static Optional<YamlNode.Entry> tableEntry(YamlNode tables, String name) {
        if (!(tables instanceof YamlNode.Mapping m)) {
            return Optional.empty();
        }
        return Optional.ofNullable(m.entries().get(name))
            .or(() -> m.entries().values().stream().filter(e -> e.key().equalsIgnoreCase(name)).findFirst());
    }
}
