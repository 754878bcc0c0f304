package dev.converge.check;

import java.util.ArrayList;
import java.util.List;

/**
 * A range of the 64-bit key-hash space: every hash whose first {@code bits} bits are {@code prefix}. The whole space is
 * {@link #ALL}; a range splits into {@code 2^n} children by the next {@code n} bits. Ranges of hashes rather than of
 * keys in key order, because two databases need not order keys alike (an H2 and a PostgreSQL peer sort text by
 * different collations), while a hash of the canonical key is the same everywhere; Cassandra's repair compares token
 * (hash) ranges for the same reason. Immutable.
 *
 * @param bits how many leading bits are fixed, 0 to 64
 * @param prefix their value, an unsigned number below {@code 2^bits}
 */
public record KeyHashRange(int bits, long prefix) implements Comparable<KeyHashRange> {
    public static final KeyHashRange ALL = new KeyHashRange(0, 0);

    public KeyHashRange {
        if (bits < 0 || bits > 64) {
            throw new IllegalArgumentException("a key-hash range fixes 0 to 64 bits, not " + bits);
        }
        if (bits < 64 && (prefix >>> bits) != 0) {
            throw new IllegalArgumentException("prefix " + Long.toHexString(prefix) + " has more than " + bits + " bits");
        }
    }

    /** Whether {@code hash} lies in this range. */
    public boolean contains(long hash) {
        return bits == 0 || (hash >>> (64 - bits)) == prefix;
    }

    /** The prefix of {@code hash} at {@code bits} bits: the range of that size it lies in. */
    static long prefixOf(long hash, int bits) {
        return bits == 0 ? 0 : hash >>> (64 - bits);
    }

    /** The children of this range by the next {@code split} bits, in hash order. */
    public List<KeyHashRange> children(int split) {
        requireSplit(split);
        List<KeyHashRange> out = new ArrayList<>(1 << split);
        for (long i = 0; i < (1L << split); i++) {
            out.add(new KeyHashRange(bits + split, (prefix << split) | i));
        }
        return out;
    }

    /** Which of the {@code 2^split} children of this range {@code hash} lies in (the hash must lie in this range). */
    public int childIndex(long hash, int split) {
        requireSplit(split);
        return (int) (prefixOf(hash, bits + split) & ((1L << split) - 1));
    }

    private void requireSplit(int split) {
        if (split < 1 || split > 16 || bits + split > 64) {
            throw new IllegalArgumentException("cannot split a range of " + bits + " bits by " + split + " more");
        }
    }

    /** Whether nothing can split it: one hash value. */
    public boolean isSingleHash() {
        return bits == 64;
    }

    @Override
    public int compareTo(KeyHashRange o) {
        // compare by the start of the range in the unsigned hash space, the wider range first
        long a = bits == 0 ? 0 : prefix << (64 - bits);
        long b = o.bits == 0 ? 0 : o.prefix << (64 - o.bits);
        int c = Long.compareUnsigned(a, b);
        return c != 0 ? c : Integer.compare(bits, o.bits);
    }

    /** {@code prefix/bits}, the prefix in hex: what {@link #parse} reads. */
    @Override
    public String toString() {
        return Long.toHexString(prefix) + "/" + bits;
    }

    /** @throws IllegalArgumentException if {@code text} is not what {@link #toString} writes */
    public static KeyHashRange parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("a key-hash range is written prefix/bits, e.g. 3f/8, not " + text);
        }
        try {
            return new KeyHashRange(Integer.parseInt(text.substring(slash + 1)), Long.parseUnsignedLong(text.substring(0, slash), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a key-hash range is written prefix/bits, e.g. 3f/8, not " + text, e);
        }
    }
}
