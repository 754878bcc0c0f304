package dev.converge.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of one row, column name to canonical value (see {@link Values}), in the table's column order.
 * Immutable. Column names are the database's own spelling (lower case on PostgreSQL, upper case on H2 unless quoted);
 * look-ups ignore case so that a scenario or a resolver can say {@code marca} on either database.
 */
public record RowImage(Map<String, Object> values) {
    public RowImage {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, Values.canonical(v)));
        values = Collections.unmodifiableMap(copy);
    }

    public static RowImage of(Map<String, ?> values) {
        return new RowImage(Collections.unmodifiableMap(values));
    }

    /** The value of a column, or null; the column name is matched ignoring case. */
    public Object get(String column) {
        Object exact = values.get(column); // the usual case in one look-up: the database's own spelling
        if (exact != null) {
            return exact;
        }
        String key = spelling(values, column);
        return key == null ? null : values.get(key);
    }

    public boolean has(String column) {
        return spelling(values, column) != null;
    }

    /**
     * The key of {@code map} that names {@code column}: itself when spelt so (the usual case, and a hot one in apply:
     * the database's own spelling, a map look-up), else the first key equal to it ignoring case; null if none.
     */
    private static String spelling(Map<String, ?> map, String column) {
        if (map.containsKey(column)) {
            return column;
        }
        for (String c : map.keySet()) {
            if (c.equalsIgnoreCase(column)) {
                return c;
            }
        }
        return null;
    }

    /** This image restricted to the given columns (in their order); columns it lacks are left out. */
    public RowImage project(Collection<String> columns) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (String c : columns) {
            if (values.containsKey(c)) {
                out.put(c, values.get(c));
                continue;
            }
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (e.getKey().equalsIgnoreCase(c)) {
                    out.put(e.getKey(), e.getValue());
                }
            }
        }
        return new RowImage(out);
    }

    public RowKey key(List<String> keyColumns) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (String c : keyColumns) {
            out.put(c, get(c));
        }
        return new RowKey(out);
    }

    /** Same columns with the same values (numbers by value). */
    public boolean sameAs(RowImage other) {
        if (other == null || values.size() != other.values.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!other.has(e.getKey()) || !Values.same(e.getValue(), other.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** A copy with some columns replaced (matched ignoring case) or added. */
    public RowImage with(Map<String, ?> changes) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(values);
        changes.forEach((k, v) -> {
            String existing = spelling(out, k);
            out.put(existing == null ? k : existing, v);
        });
        return new RowImage(out);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
