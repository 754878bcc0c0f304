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
 * <p><b>Where the rule lives.</b> {@link #stamp} is the one definition of the step, and a node uses it directly: its
 * floor lives in the database ({@code cv_clock.floor_ts}), not in an instance of this class, because every transaction
 * that writes or applies must see it. Capture records only the wall clock's reading of each statement; the sequencer
 * ({@code OutboundQueue.sequence}), which handles committed local transactions one at a time in commit order under a
 * lock on {@code cv_sequencer}, gives each one {@code stamp(its wall reading, floor)} and makes that its new floor
 * ({@code cv_sequencer.floor_ts}); applying a ChangeSet raises the clock row's floor ({@code cv_clock.floor_ts}) to its
 * timestamp, and the sequencer stamps above the greater of the two, the applies' read after it found the transactions
 * it stamps (so after every apply that committed before them). So a node's timestamps increase strictly in its sequence order
 * whatever its wall clock does (the floor survives restarts), a local write made after applying a ChangeSet is stamped
 * after it, and no writer waits for a lock to be stamped. Stamping at capture instead, against a floor raised only
 * when a transaction is sequenced, let two transactions captured before the next sequencing pass take their wall
 * clock's order, not their commit order: after a clock step back the later one was stamped earlier, and peers diverged.
 * The instance methods are the same rule for a floor held in memory.
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
     * The HLC step as a pure function, and the only place it is defined: the later of the wall clock's reading and the
     * timestamp right after {@code floor}. A node's sequencer stamps each local transaction with it (see the class
     * comment); nothing in the database computes it.
     *
     * @param wallMillis the wall clock's reading, milliseconds since the epoch
     * @param floor the greatest timestamp issued or observed so far; not null
     * @throws IllegalArgumentException if {@code wallMillis} is out of {@link HybridTimestamp}'s range
     */
    public static HybridTimestamp stamp(long wallMillis, HybridTimestamp floor) {
        return HybridTimestamp.max(HybridTimestamp.ofMillis(wallMillis), floor.next());
    }
}
