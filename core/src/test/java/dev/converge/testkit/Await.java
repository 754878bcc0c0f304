package dev.converge.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a bound, checking it every few milliseconds; never a fixed sleep. */
public final class Await {
    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code what} if it does not within {@code bound}. */
    public static void until(BooleanSupplier condition, Duration bound, String what) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + bound.toSeconds() + " s in vain for this: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
