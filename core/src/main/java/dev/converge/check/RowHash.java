package dev.converge.check;

import java.util.HexFormat;

/**
 * A 128-bit hash of one row's canonical encoding, or the sum of many (each half added on its own, modulo 2^64): a sum
 * does not depend on the order rows were read in, so two databases that return rows in different orders still agree.
 * Immutable.
 */
public record RowHash(long high, long low) {
    public static final RowHash ZERO = new RowHash(0, 0);

    public RowHash plus(RowHash other) {
        return new RowHash(high + other.high, low + other.low);
    }

    /** 32 hex digits: what {@link #parse} reads. */
    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    /** @throws IllegalArgumentException if {@code hex} is not 32 hex digits */
    public static RowHash parse(String hex) {
        if (hex == null || hex.length() != 32) {
            throw new IllegalArgumentException("a row hash is 32 hex digits, not " + hex);
        }
        return new RowHash(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    }
}
