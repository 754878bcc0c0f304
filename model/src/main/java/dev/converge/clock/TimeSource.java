package dev.converge.clock;

/**
 * Where a node's wall clock comes from. Injected, as Caffeine takes a {@code Ticker}: production uses
 * {@link #system()}, tests and scenarios a {@link ManualTimeSource} they move by hand.
 *
 * <p>Implementations must be thread-safe: a node reads its time source from any of its threads.
 */
@FunctionalInterface
public interface TimeSource {
    /** Milliseconds since the epoch, as this node's wall clock reads them now. */
    long currentTimeMillis();

    /** Whether this is the machine's own clock (then the database's clock is used inside capture triggers too). */
    default boolean isSystem() {
        return false;
    }

    static TimeSource system() {
        return new TimeSource() {
            @Override
            public long currentTimeMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public boolean isSystem() {
                return true;
            }
        };
    }
}
