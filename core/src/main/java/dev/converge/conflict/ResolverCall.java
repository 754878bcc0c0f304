package dev.converge.conflict;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls a resolver within a time limit. The built-in resolvers (this package's and module {@code resolvers}') are
 * called directly: they are short and known. A user's resolver runs on a thread of its own, and if it has not answered
 * within the limit the apply stops waiting: the conflict is parked with the error, the apply transaction goes on and
 * commits (its locks are never held past the limit for the resolver's sake), and the resolver's thread is interrupted
 * and abandoned — a Java call cannot be killed, so a resolver that ignores interruption keeps its thread (a daemon,
 * named {@code converge-resolver-N}) until it returns, and its late answer is discarded. A {@link DatabaseResolver}
 * ({@code sql-function}) is called on the applying thread, inside the apply transaction; its statement carries the
 * limit as its timeout. Thread-safe.
 */
public final class ResolverCall {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r, "converge-resolver-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    };

    private final Duration limit;
    private final ExecutorService executor = Executors.newCachedThreadPool(DAEMONS);

    public ResolverCall(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a resolver's time limit must be positive, not " + limit);
        }
        this.limit = limit;
    }

    /** Whether {@code r} is one of Converge's own resolvers, called without a time limit. */
    static boolean builtIn(ConflictResolver r) {
        if (r instanceof ResolverRegistry.TieBreak t) {
            return builtIn(t.first()) && builtIn(t.then());
        }
        if (r instanceof ResolverRegistry.ByConflictType b) {
            return builtIn(b.rule()) && b.byType().values().stream().allMatch(ResolverCall::builtIn);
        }
        String pkg = r.getClass().getPackageName();
        return pkg.equals("dev.converge.conflict") || pkg.equals("dev.converge.resolvers") || pkg.equals("dev.converge.resolvers.sql");
    }

    /**
     * The resolver's answer (null if it answered none), for a conflict met outside an apply transaction: a resolver
     * that decides in the database fails here.
     *
     * @throws ResolverFailedException if it threw, or did not answer within the limit
     */
    public Resolution resolve(ConflictResolver r, Conflict c) {
        return resolve(r, c, Optional.empty());
    }

    /**
     * The resolver's answer (null if it answered none) to a conflict met in {@code transaction}. Of a rule made of
     * others (a tie rule, rules per conflict type) the one that decides {@code c} is picked here, on the applying thread,
     * and called as itself: a built-in directly, a {@link DatabaseResolver} directly with the transaction, a user's
     * Java resolver on a thread of its own within the limit.
     *
     * @throws ResolverFailedException if it threw, or did not answer within the limit
     */
    public Resolution resolve(ConflictResolver r, Conflict c, ApplyTransaction transaction) {
        return resolve(r, c, Optional.of(transaction));
    }

    private Resolution resolve(ConflictResolver r, Conflict c, Optional<ApplyTransaction> transaction) {
        ConflictResolver rule = r instanceof ResolverRegistry.Composite composite ? composite.ruleFor(c) : r;
        if (rule instanceof DatabaseResolver d && builtIn(d)) {
            return transaction.map(tx -> d.resolve(c, tx)).orElseGet(() -> d.resolve(c));
        }
        return call(rule, c);
    }

    private Resolution call(ConflictResolver r, Conflict c) {
        if (builtIn(r)) {
            return r.resolve(c);
        }
        Future<Resolution> answer = executor.submit(() -> r.resolve(c));
        try {
            return answer.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new ResolverFailedException("did not answer within its time limit of " + limit.toMillis()
                + " ms; its thread was interrupted and abandoned, and a late answer is ignored", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ResolverFailedException("failed: " + cause, cause);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new ResolverFailedException("was abandoned: the applying thread was interrupted", e);
        }
    }

    /** A user's resolver that failed to answer in time (or whose call was cut short). */
    public static final class ResolverFailedException extends RuntimeException {
        ResolverFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
