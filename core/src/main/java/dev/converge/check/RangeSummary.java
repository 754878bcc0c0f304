package dev.converge.check;

import java.util.Objects;

/**
 * What one side holds in a key-hash range: how many rows, and the sum of their {@link RowHash}es. Two sides hold the
 * same rows in the range (up to a hash collision, about one chance in 2^128) exactly when both agree. Immutable.
 */
public record RangeSummary(KeyHashRange range, long rows, RowHash hash) {
    public RangeSummary {
        Objects.requireNonNull(range);
        Objects.requireNonNull(hash);
    }

    /** Whether {@code other} summarises the same rows. */
    public boolean sameAs(RangeSummary other) {
        return rows == other.rows && hash.equals(other.hash);
    }
}
