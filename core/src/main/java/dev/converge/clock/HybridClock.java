package dev.converge.clock;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A hybrid logical clock: issues timestamps that follow the wall clock when it moves forward and still increase when
 * it stands still or goes backwards, and that exceed every timestamp seen from other peers, so that a change made after
 * seeing another is ordered after it even when this node's clock is behind.
 *
 * <p>The clock keeps one value, its <em>floor</em>: the greatest timestamp it has issued or observed. A node restores it
 * at start-up (for instance from the greatest timestamp in its database) so that timestamps keep increasing across
 * restarts.
 *
 * <p>Thread-safe: every method may be called from any thread; none blocks.
 */
public final class HybridClock {
    private final TimeSource time;
    private final AtomicReference<HybridTimestamp> floor;

    /**
     * @param time the wall clock; not null
     * @param floor the greatest timestamp already issued or observed, {@link HybridTimestamp#ZERO} for a new node;
     *     not null
     */
    public HybridClock(TimeSource time, HybridTimestamp floor) {
        this.time = Objects.requireNonNull(time);
        this.floor = new AtomicReference<>(Objects.requireNonNull(floor));
    }

    /**
     * A new timestamp: at least the wall clock's reading and greater than every timestamp this clock has issued or
     * observed. It becomes the new floor.
     *
     * @throws IllegalArgumentException if the wall clock reads before the epoch
     */
    public HybridTimestamp now() {
        return floor.updateAndGet(f -> stamp(time.currentTimeMillis(), f));
    }

    /** Raises the floor to {@code seen} if it is greater, so that the next {@link #now()} is after it. Not null. */
    public void observe(HybridTimestamp seen) {
        Objects.requireNonNull(seen);
        floor.accumulateAndGet(seen, HybridTimestamp::max);
    }

    /** The greatest timestamp issued or observed so far (the starting floor if none). */
    public HybridTimestamp floor() {
        return floor.get();
    }

    /**
     * The HLC step as a pure function: the later of the wall clock's reading and the timestamp right after
     * {@code floor}. Database-side capture computes the same value in SQL on the packed form
     * ({@link HybridTimestamp#asLong()} is {@code (millis << 16) | logical}, which orders as the timestamps do and in
     * which {@link HybridTimestamp#next()} is {@code + 1}):
     * {@code greatest(wall_ms << 16, floor + 1)}, for instance {@code greatest(wall_ms * 65536, floor + 1)} where the
     * dialect has no shift operator. Any change here must be mirrored there.
     *
     * @param wallMillis the wall clock's reading, milliseconds since the epoch
     * @param floor the greatest timestamp issued or observed so far; not null
     * @throws IllegalArgumentException if {@code wallMillis} is out of {@link HybridTimestamp}'s range
     */
    public static HybridTimestamp stamp(long wallMillis, HybridTimestamp floor) {
        return HybridTimestamp.max(HybridTimestamp.ofMillis(wallMillis), floor.next());
    }
}
