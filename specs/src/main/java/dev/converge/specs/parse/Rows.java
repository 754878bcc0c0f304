package dev.converge.specs.parse;

import dev.converge.specs.model.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads rows: {@code {marca: 1325, nume: Vasile}}, lists of them, and maps of table to list of rows. */
final class Rows {
    private Rows() {
    }

    static Row row(YamlNode node, String path) {
        YamlNode.Mapping map = Read.mapping(node, path);
        if (map.entries().isEmpty()) {
            throw new Malformed(node.line(), path + ": a row needs at least one column");
        }
        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries().values()) {
            values.put(e.key(), Read.value(e.value(), path + "." + e.key()));
        }
        return new Row(values);
    }

    static List<Row> rows(YamlNode node, String path) {
        List<YamlNode> items = Read.list(node, path);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            rows.add(row(items.get(i), path + "[" + i + "]"));
        }
        return rows;
    }

    static Map<String, List<Row>> byTable(YamlNode node, String path) {
        YamlNode.Mapping map = Read.mapping(node, path);
        LinkedHashMap<String, List<Row>> tables = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries().values()) {
            tables.put(e.key(), rows(e.value(), path + "." + e.key()));
        }
        return tables;
    }
}
