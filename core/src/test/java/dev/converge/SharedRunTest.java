package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedRun}: a caller returns only once a run that began after it asked has completed, and callers that ask at
 * once share runs.
 */
class SharedRunTest {
    @Test
    void everyCallerReturnsAfterARunThatBeganAfterItAskedAndCallersShareRuns() throws Exception {
        SharedRun shared = new SharedRun();
        AtomicLong lastRunBegan = new AtomicLong();
        AtomicLong lastRunEnded = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(pool.submit(() -> {
                for (int call = 0; call < 200; call++) {
                    long asked = System.nanoTime();
                    shared.await(() -> {
                        assertEquals(1, running.incrementAndGet(), "One run at a time.");
                        lastRunBegan.set(System.nanoTime());
                        runs.incrementAndGet();
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                        lastRunEnded.set(lastRunBegan.get());
                        running.decrementAndGet();
                    });
                    // the last run completed began after this caller asked
                    assertTrue(lastRunEnded.get() >= asked, "A run that began after the call completed before it returned.");
                }
                return null;
            }));
        }
        for (Future<?> f : callers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertTrue(runs.get() < 8 * 200, "Callers that asked at once shared runs: " + runs.get() + " runs for 1,600 calls.");
    }

    @Test
    void aFailedRunCountsForNobodyAndAWaiterTimesOut() throws Exception {
        SharedRun shared = new SharedRun();
        assertThrows(IllegalStateException.class, () -> shared.await(() -> {
            throw new IllegalStateException("failed");
        }));
        AtomicInteger runs = new AtomicInteger();
        shared.await(runs::incrementAndGet);
        assertEquals(1, runs.get(), "After a failed run, the next caller runs again.");

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> slow = pool.submit(() -> {
            shared.await(() -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            return null;
        });
        inside.await();
        assertThrows(TimeoutException.class, () -> shared.await(runs::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(50)),
            "A caller that waits for a run in progress longer than it may is told so.");
        release.countDown();
        slow.get(10, TimeUnit.SECONDS);
        pool.shutdownNow();
    }
}
