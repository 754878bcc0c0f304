package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Trimming.Step;
import dev.converge.model.NodeId;
import dev.converge.queue.History;
import dev.converge.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Trimming}: a step asked for while another runs is not lost — it runs once the running one ends, once however
 * often it was asked meanwhile, and a purge stands for every other step — and a caller never waits for another's step.
 */
class TrimmingTest {
    static final NodeId SELF = NodeId.of("A");
    static final History.Purged ONE = new History.Purged(1, 1, 0, 0);

    /** Runs the steps in the calling thread, recording them; the first one waits until {@link #release}. */
    static final class HeldRunner implements Function<Step, History.Purged> {
        final List<Step> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public History.Purged apply(Step step) {
            ran.add(step);
            if (calls.getAndIncrement() == 0) {
                entered.countDown();
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return ONE;
        }
    }

    /** Starts {@code step} in another thread and returns once the runner holds it. */
    private static CompletableFuture<History.Purged> running(Trimming trimming, HeldRunner runner, Step step) throws Exception {
        CompletableFuture<History.Purged> first = CompletableFuture.supplyAsync(() -> trimming.trim(step));
        assertTrue(runner.entered.await(30, TimeUnit.SECONDS));
        return first;
    }

    @Test
    void aStepAskedWhileAnotherRunsRunsOnceThatOneEnds() throws Exception {
        HeldRunner runner = new HeldRunner();
        Trimming trimming = new Trimming(SELF, runner, Runnable::run);
        CompletableFuture<History.Purged> heartbeat = running(trimming, runner, Step.AFTER_HEARTBEAT);

        assertSame(Trimming.NOTHING, trimming.trim(Step.PURGE), "A caller does not wait for another's step.");
        assertEquals(List.of(Step.AFTER_HEARTBEAT), runner.ran, "Nor does its step run beside it.");

        runner.release.countDown();
        assertSame(ONE, heartbeat.get(30, TimeUnit.SECONDS), "The caller whose step ran gets what it removed.");
        assertEquals(List.of(Step.AFTER_HEARTBEAT, Step.PURGE), runner.ran, "The purge asked meanwhile ran once the heartbeat's step ended.");
    }

    @Test
    void stepsLeftRunOnceEachAndAPurgeStandsForAll() throws Exception {
        HeldRunner runner = new HeldRunner();
        Trimming trimming = new Trimming(SELF, runner, Runnable::run);
        CompletableFuture<History.Purged> first = running(trimming, runner, Step.AFTER_APPLY);
        for (int i = 0; i < 3; i++) {
            trimming.trim(Step.AFTER_ACKNOWLEDGEMENT);
            trimming.trim(Step.AFTER_HEARTBEAT);
        }
        runner.release.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(Step.AFTER_APPLY, Step.AFTER_ACKNOWLEDGEMENT, Step.AFTER_HEARTBEAT), runner.ran);

        HeldRunner again = new HeldRunner();
        Trimming other = new Trimming(SELF, again, Runnable::run);
        CompletableFuture<History.Purged> second = running(other, again, Step.AFTER_APPLY);
        other.trim(Step.AFTER_ACKNOWLEDGEMENT);
        other.trim(Step.PURGE);
        other.trim(Step.AFTER_HEARTBEAT);
        again.release.countDown();
        second.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(Step.AFTER_APPLY, Step.PURGE), again.ran, "A purge does what the others do.");
    }

    @Test
    void aCallerGetsItsOwnFailureAndAStepLeftThatFailsStopsNoOther() throws Exception {
        List<Step> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Trimming trimming = new Trimming(SELF, step -> {
            ran.add(step);
            if (step == Step.AFTER_HEARTBEAT) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("the heartbeat's step failed");
            }
            if (step == Step.AFTER_ACKNOWLEDGEMENT) {
                throw new IllegalStateException("the acknowledgement's step failed");
            }
            return ONE;
        }, Runnable::run);
        CompletableFuture<History.Purged> heartbeat = CompletableFuture.supplyAsync(() -> trimming.trim(Step.AFTER_HEARTBEAT));
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        trimming.trim(Step.AFTER_ACKNOWLEDGEMENT);
        trimming.trim(Step.AFTER_APPLY);
        release.countDown();
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> heartbeat.get(30, TimeUnit.SECONDS));
        assertEquals("the heartbeat's step failed", failed.getCause().getMessage(), "A caller gets its own step's failure.");
        assertEquals(List.of(Step.AFTER_HEARTBEAT, Step.AFTER_ACKNOWLEDGEMENT, Step.AFTER_APPLY), ran,
            "The steps left ran, the one after a failed one too.");
        assertSame(ONE, trimming.trim(Step.PURGE), "Nothing running now: a caller runs its step itself.");
    }

    @Test
    void underManyCallersEveryStepAskedRunsAfterItWasAsked() throws Exception {
        Map<Step, Long> lastBegun = java.util.Collections.synchronizedMap(new EnumMap<>(Step.class));
        Map<Step, Long> lastAsked = java.util.Collections.synchronizedMap(new EnumMap<>(Step.class));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Trimming trimming = new Trimming(SELF, step -> {
            if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet(); // counted, not asserted: a step left runs in the background thread
            }
            lastBegun.put(step, System.nanoTime());
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            running.decrementAndGet();
            return ONE;
        });
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> callers = new ArrayList<>();
        Step[] steps = Step.values();
        for (int i = 0; i < 6; i++) {
            int caller = i;
            callers.add(pool.submit(() -> {
                for (int call = 0; call < 300; call++) {
                    // no purge: each step must be run as itself
                    Step step = steps[(caller + call) % (steps.length - 1)];
                    lastAsked.merge(step, System.nanoTime(), Math::max);
                    trimming.trim(step);
                }
                return null;
            }));
        }
        for (Future<?> f : callers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        Await.until(() -> lastAsked.entrySet().stream().allMatch(e -> lastBegun.getOrDefault(e.getKey(), 0L) > e.getValue()),
            Duration.ofSeconds(10), "every step ran after it was last asked: asked " + lastAsked + ", begun " + lastBegun);
        assertEquals(0, overlaps.get(), "One step at a time.");
    }

    @Test
    void closeWaitsForTheRunningStepDropsWhatIsLeftAndBeginsNoOther() throws Exception {
        HeldRunner runner = new HeldRunner();
        Trimming trimming = new Trimming(SELF, runner, Runnable::run);
        CompletableFuture<History.Purged> first = running(trimming, runner, Step.AFTER_APPLY);
        assertSame(Trimming.NOTHING, trimming.trim(Step.AFTER_HEARTBEAT), "left to run after the one running");
        CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(() -> {
            try {
                return trimming.close(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertTrue(!closing.isDone(), "close waits while a step runs");
        runner.release.countDown();
        assertTrue(closing.get(30, TimeUnit.SECONDS), "and returns once it ended");
        assertEquals(ONE, first.get(30, TimeUnit.SECONDS));
        assertSame(Trimming.NOTHING, trimming.trim(Step.PURGE), "no step begins after close");
        assertEquals(List.of(Step.AFTER_APPLY), runner.ran, "the step left meanwhile was dropped, not run against a closing database");
        assertTrue(trimming.close(Duration.ZERO), "idempotent");
    }

    @Test
    void closeGivesUpAfterItsWaitWhenAStepHangs() throws Exception {
        HeldRunner runner = new HeldRunner();
        Trimming trimming = new Trimming(SELF, runner, Runnable::run);
        CompletableFuture<History.Purged> first = running(trimming, runner, Step.PURGE);
        assertTrue(!trimming.close(Duration.ofMillis(100)), "a step still running after the wait is reported");
        runner.release.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertTrue(trimming.close(Duration.ofSeconds(30)));
    }
}
