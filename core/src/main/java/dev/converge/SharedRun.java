package dev.converge;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A unit of work that callers need run <em>after</em> they asked — a sequencing pass that must see every transaction
 * committed before the call, a look at the catalog that must see every DDL statement committed before the call — shared
 * by callers that ask at once: one run at a time, and a caller returns as soon as a run that began after it asked has
 * completed, whoever ran it. A caller that finds a run going waits for it to end, then runs the next one itself or
 * takes the one another waiter runs.
 *
 * <p>Why: a node's sending threads, its applying thread and an apply's own sequencing all sequence before they read;
 * each pass takes the sequencer's lock in the database, so concurrent callers queued there and ran one pass each, the
 * later ones finding little or nothing to do. Sharing a run gives each caller exactly what its own would have (a run
 * that began after it asked sees whatever was committed before), for one run instead of several.
 *
 * <p>Thread-safe. A run that fails counts for nobody: its waiters run again, and the one that ran it gets its failure.
 */
final class SharedRun {
    /** Runs begun so far; the one going, if any, is number {@code begun}. */
    private long begun;
    /** The number of the last run that completed without failing. */
    private long completed;
    private boolean running;

    /** Work that may fail with a runtime exception. */
    interface Work {
        void run();
    }

    /**
     * Returns once a run of {@code work} that began after this call has completed, running it in this thread when no
     * run is going; throws what this thread's run threw.
     *
     * @throws TimeoutException if no such run completed within {@code timeoutNanos} (the caller may do the work itself)
     */
    void await(Work work, long timeoutNanos) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        long mine;
        synchronized (this) {
            // a run going now began before this call: only the next one, or a later one, will do
            long needed = begun + 1;
            while (true) {
                if (completed >= needed) {
                    return;
                }
                if (!running) {
                    running = true;
                    mine = ++begun;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no run completed within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        boolean ok = false;
        try {
            work.run();
            ok = true;
        } finally {
            synchronized (this) {
                running = false;
                if (ok) {
                    completed = mine;
                }
                notifyAll();
            }
        }
    }

    /** {@link #await(Work, long)} without a time limit. */
    void await(Work work) {
        try {
            await(work, Long.MAX_VALUE / 4);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvergeException("interrupted while waiting for a shared run: " + e.getMessage(), e);
        }
    }
}
