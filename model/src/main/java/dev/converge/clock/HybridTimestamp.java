package dev.converge.clock;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hybrid-logical-clock reading: physical milliseconds since the epoch plus a logical counter that orders events
 * within one millisecond. Immutable and totally ordered; the node id that breaks exact ties is not part of it (it
 * travels with the change). Packs into one {@code long} ({@link #asLong()}) so that it is stored and compared in SQL as
 * a BIGINT: 47 bits of milliseconds (good until about the year 6429; the sign bit stays clear so a signed BIGINT
 * compares correctly), 16 bits of counter.
 */
public record HybridTimestamp(long physicalMillis, int logical) implements Comparable<HybridTimestamp> {
    public static final int MAX_LOGICAL = 0xFFFF;
    public static final HybridTimestamp ZERO = new HybridTimestamp(0, 0);
    private static final Pattern TEXT = Pattern.compile("(\\S+?)(?:\\+(\\d+))?");

    public HybridTimestamp {
        if (physicalMillis < 0 || physicalMillis >= (1L << 47)) {
            throw new IllegalArgumentException("physical time out of range: " + physicalMillis);
        }
        if (logical < 0 || logical > MAX_LOGICAL) {
            throw new IllegalArgumentException("logical counter out of range 0.." + MAX_LOGICAL + ": " + logical);
        }
    }

    public static HybridTimestamp ofMillis(long millis) {
        return new HybridTimestamp(millis, 0);
    }

    public static HybridTimestamp fromLong(long packed) {
        return new HybridTimestamp(packed >>> 16, (int) (packed & MAX_LOGICAL));
    }

    public long asLong() {
        return (physicalMillis << 16) | logical;
    }

    /** The smallest timestamp greater than this one. */
    public HybridTimestamp next() {
        return logical < MAX_LOGICAL ? new HybridTimestamp(physicalMillis, logical + 1) : new HybridTimestamp(physicalMillis + 1, 0);
    }

    public static HybridTimestamp max(HybridTimestamp a, HybridTimestamp b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * Reads the form {@link #toString()} writes, {@code 2026-11-25T12:00:00Z+3} (the counter part is optional).
     *
     * @throws IllegalArgumentException if the text is not such a timestamp
     */
    public static HybridTimestamp parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a hybrid timestamp: '" + text + "' (expected e.g. 2026-11-25T12:00:00Z+3)");
        }
        try {
            long millis = Instant.parse(m.group(1)).toEpochMilli();
            int logical = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            return new HybridTimestamp(millis, logical);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a hybrid timestamp: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public int compareTo(HybridTimestamp o) {
        int c = Long.compare(physicalMillis, o.physicalMillis);
        return c != 0 ? c : Integer.compare(logical, o.logical);
    }

    @Override
    public String toString() {
        String instant = Instant.ofEpochMilli(physicalMillis).toString();
        return logical == 0 ? instant : instant + "+" + logical;
    }
}
