package dev.converge.catalog;

import dev.converge.config.ReplicatedTable;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.ShadowTable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/**
 * A replicated table bound to the live database: its {@link ReplicatedTable} description, the jOOQ table and typed
 * column fields (so values from row images bind with the column's type), its shadow table, and the columns the database
 * fills itself ({@link Generated}).
 */
public record BoundTable(ReplicatedTable spec, Table<Record> table, Map<String, Field<Object>> fieldsByName, ShadowTable shadow,
                         Generated generated) {
    public BoundTable(ReplicatedTable spec, Table<Record> table, Map<String, Field<Object>> fieldsByName, ShadowTable shadow) {
        this(spec, table, fieldsByName, shadow, Generated.NONE);
    }

    public String name() {
        return spec.name();
    }

    /** The typed field of a column, matched ignoring case. */
    public Field<Object> field(String column) {
        Field<Object> f = fieldsByName.get(column);
        if (f != null) {
            return f;
        }
        for (Map.Entry<String, Field<Object>> e : fieldsByName.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("table " + name() + " has no column " + column);
    }

    public List<Field<Object>> keyFields() {
        return spec.keyColumns().stream().map(this::field).toList();
    }

    public List<Field<Object>> replicatedFields() {
        return spec.columns().stream().map(this::field).toList();
    }

    /** The key as typed values in key-column order, ready to bind. */
    public List<Object> typedKey(RowKey key) {
        List<Object> out = new ArrayList<>();
        for (String c : spec.keyColumns()) {
            out.add(typed(field(c), key.values().get(c.toLowerCase(java.util.Locale.ROOT))));
        }
        return out;
    }

    /** The key of a row from its key values in key-column order, as a shadow table returns them (the inverse of {@link #typedKey}). */
    public RowKey keyOf(List<Object> keyValues) {
        Map<String, Object> key = new java.util.LinkedHashMap<>();
        for (int i = 0; i < spec.keyColumns().size(); i++) {
            key.put(spec.keyColumns().get(i), keyValues.get(i));
        }
        return new RowKey(key);
    }

    /** A typed value of a column from a row image, ready to bind. */
    public Object typedValue(RowImage image, String column) {
        return typed(field(column), image.get(column));
    }

    /** Binary values travel as base64 text (see {@link dev.converge.model.Values}); jOOQ would bind the text's own bytes. */
    private static Object typed(Field<Object> f, Object canonical) {
        if (canonical instanceof String s && f.getDataType().isBinary()) {
            return Base64.getDecoder().decode(s);
        }
        return f.getDataType().convert(canonical);
    }

    /**
     * A row image as capture wrote it, in canonical form: PostgreSQL's {@code to_jsonb} writes a bytea value as
     * {@code \x} and hex digits, the canonical form of binary values is base64 (as H2's capture writes them).
     */
    public RowImage canonical(RowImage captured) {
        Map<String, Object> fixed = new java.util.LinkedHashMap<>();
        captured.values().forEach((column, value) -> {
            if (value instanceof String s && s.startsWith("\\x") && fieldsByName.containsKey(column)
                && fieldsByName.get(column).getDataType().isBinary()) {
                fixed.put(column, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(s.substring(2))));
            }
        });
        return fixed.isEmpty() ? captured : captured.with(fixed);
    }

    /** The key of a row image, canonical. */
    public RowKey keyOf(RowImage image) {
        return spec.keyOf(image);
    }
}
