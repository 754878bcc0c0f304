package dev.converge.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The primary-key values of a row, key column to canonical value, in key order. Immutable and thread-safe; equal when
 * the values are. A class rather than a record only to keep its hash: keys are hashed in every map an apply, a
 * sequencing pass or a net effect files rows by, and hashing the map again each time was a sixth of an apply's JVM time
 * spent in map code.
 */
public final class RowKey {
    private final Map<String, Object> values;
    private final int hash;

    public RowKey(Map<String, Object> values) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k.toLowerCase(java.util.Locale.ROOT), Values.canonical(v)));
        this.values = Collections.unmodifiableMap(copy);
        this.hash = this.values.hashCode();
    }

    public static RowKey of(String column, Object value) {
        return new RowKey(Map.of(column, value));
    }

    /** Key column (lower case) to canonical value, in key order. */
    public Map<String, Object> values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof RowKey other && hash == other.hash && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
