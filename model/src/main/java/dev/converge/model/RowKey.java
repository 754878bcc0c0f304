package dev.converge.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The primary-key values of a row, key column to canonical value, in key order. Immutable. */
public record RowKey(Map<String, Object> values) {
    public RowKey {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k.toLowerCase(java.util.Locale.ROOT), Values.canonical(v)));
        values = Collections.unmodifiableMap(copy);
    }

    public static RowKey of(String column, Object value) {
        return new RowKey(Map.of(column, value));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
