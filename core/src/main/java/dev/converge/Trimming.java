package dev.converge;

import dev.converge.model.NodeId;
import dev.converge.queue.History;
import java.util.EnumSet;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's trimming ({@link History}): the steps that events ask for — an acknowledgement that moved, ChangeSets
 * applied, a heartbeat, a peer marked for resync or removed, a purge on request — run one at a time, each in a
 * transaction of its own, and none is lost. A caller never waits: when no step is running it runs its own, in its own
 * thread, and gets what it removed; when one is running it leaves its step to be run after that one and returns at once
 * with nothing removed. Once the running step ends, the steps left meanwhile run in the background, on a thread of their
 * own, one after another until none is left; each runs once however often it was asked meanwhile (a step asked runs
 * after it was asked, so it sees what the caller committed before), and a {@link Step#PURGE} does what every other
 * step does.
 *
 * <p>Why not skip a step asked while another runs, leaving the work to that one: the running step may be another
 * (a heartbeat's trims no outbox), or may have read the peers before the caller's change committed. A peer marked for
 * resync while a peer's heartbeat was being trimmed then held the outbox for good on a quiet mesh, since only an
 * acknowledgement that moves trims it again. Why not run what was left in the thread whose step just ended: while
 * events keep coming, that thread (a peer's request, a sending thread) would trim for everyone as long as they come.
 *
 * <p>Thread-safe. The background thread is a daemon, started when something is left and ended after a while with
 * nothing to do; {@link #close} (from {@link Node#close}) stops it from beginning steps and waits for the one running. A step that fails in the background is logged; what it would have
 * freed goes with a later step.
 */
final class Trimming {
    private static final Logger LOG = LoggerFactory.getLogger(Trimming.class);

    /** A step of trimming, as {@link History} names it. */
    enum Step {
        AFTER_ACKNOWLEDGEMENT(History::afterAcknowledgement),
        AFTER_APPLY(History::afterApply),
        AFTER_HEARTBEAT(History::afterHeartbeat),
        /** Everything: what each of the others trims, and more. */
        PURGE(History::purge);

        private final BiFunction<History, DSLContext, History.Purged> work;

        Step(BiFunction<History, DSLContext, History.Purged> work) {
            this.work = work;
        }

        /** Runs this step of {@code history} in the transaction of {@code ctx}. */
        History.Purged run(History history, DSLContext ctx) {
            return work.apply(history, ctx);
        }
    }

    /** What a step that removed nothing, or was left to run later, returns. */
    static final History.Purged NOTHING = new History.Purged(0, 0, 0, 0);

    private final NodeId self;
    private final Function<Step, History.Purged> runner;
    private final Executor background;
    /** Guarded by {@code this}: whether a step is running (in a caller's thread or the background). */
    private boolean running;
    /** Guarded by {@code this}: the steps asked while one was running, not begun yet. */
    private final EnumSet<Step> left = EnumSet.noneOf(Step.class);
    /** Guarded by {@code this}: whether {@link #close} was called; no step begins after it. */
    private boolean closed;

    /** @param runner runs one step in a transaction of its own and returns what it removed */
    Trimming(NodeId self, Function<Step, History.Purged> runner) {
        this(self, runner, daemon(self));
    }

    /** @param background where the steps left while one ran are run */
    Trimming(NodeId self, Function<Step, History.Purged> runner, Executor background) {
        this.self = self;
        this.runner = runner;
        this.background = background;
    }

    private static Executor daemon(NodeId self) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "converge-trim-" + self);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Runs {@code step} now, in this thread, if no step is running, and returns what it removed; otherwise leaves it to
     * run once the running one ends and returns {@link #NOTHING}. Throws what this thread's step threw.
     */
    History.Purged trim(Step step) {
        synchronized (this) {
            if (closed) {
                return NOTHING; // the node is closing: its database may be going away; a later run trims all of it
            }
            if (running) {
                left.add(step);
                return NOTHING;
            }
            running = true;
        }
        try {
            return runner.apply(step);
        } finally {
            handOver();
        }
    }

    /**
     * Stops trimming, for a node that closes: no step begins from now on, the steps left are dropped (each only frees
     * what a later step, after the node opens again, frees as well), and the call waits up to {@code wait} for the
     * step running now, so that it does not go on against a database its owner is about to close. Returns whether no
     * step runs any more. Idempotent.
     */
    boolean close(java.time.Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            closed = true;
            left.clear();
            while (running) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            }
            return true;
        }
    }

    /** Ends the step this thread ran: the steps left meanwhile go to the background, which holds the turn from now. */
    private void handOver() {
        synchronized (this) {
            if (left.isEmpty() || closed) {
                left.clear();
                running = false;
                notifyAll();
                return;
            }
        }
        try {
            background.execute(this::runLeft);
        } catch (RejectedExecutionException e) {
            runLeft(); // not with the node's own executor (its queue has no bound); a test's may refuse
        }
    }

    /** Runs the steps left, one at a time, until none is; a {@link Step#PURGE} left stands for all of them. */
    private void runLeft() {
        boolean done = false;
        try {
            while (true) {
                Step next;
                synchronized (this) {
                    if (left.isEmpty() || closed) {
                        left.clear();
                        running = false;
                        notifyAll();
                        done = true;
                        return;
                    }
                    next = left.contains(Step.PURGE) ? Step.PURGE : left.iterator().next();
                    if (next == Step.PURGE) {
                        left.clear();
                    } else {
                        left.remove(next);
                    }
                }
                try {
                    runner.apply(next);
                } catch (RuntimeException e) {
                    LOG.warn("{}: trimming ({}) failed, a later step frees what it would have: {}", self, next, e.toString());
                }
            }
        } finally {
            if (!done) {
                synchronized (this) {
                    running = false; // an Error: the next caller runs its step and what is left
                    notifyAll();
                }
            }
        }
    }
}
