package dev.converge;

import dev.converge.capture.H2CaptureTrigger;
import dev.converge.dialect.Dialect;
import dev.converge.dialect.SqlFailures;
import dev.converge.model.NodeId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a unit of work in one database transaction of the node's database, and runs it again when the database says
 * the failure was transient: SQLSTATE class {@code 40} (serialization failure, deadlock), class {@code 08} (the
 * connection was lost) or H2's lock timeout ({@code HYT00}). Anything else rolls back and is thrown to the caller, who
 * decides whether it is contained (the inbound side records it as a conflict) or reported.
 *
 * <p>A unit of work must therefore be repeatable: it reads what it needs inside the transaction and keeps no effect
 * outside it, except through its result.
 *
 * <p>Thread-safe and blocking: every call takes its own connection from the {@link DataSource} and holds it only for
 * the transaction; nothing is shared between calls. No Java lock is taken here.
 */
final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    /** How often a transient failure is tried again before it is thrown. */
    static final int ATTEMPTS = 6;

    private final NodeId self;
    private final DataSource db;
    private final Dialect dialect;

    Transactions(NodeId self, DataSource db, Dialect dialect) {
        this.self = self;
        this.db = db;
        this.dialect = dialect;
    }

    /** A unit of work on a jOOQ context bound to the transaction's connection. */
    interface Work<T> {
        T run(DSLContext ctx) throws SQLException;
    }

    /** A unit of work that also needs the raw connection (savepoints). */
    interface ConnectionWork<T> {
        T run(Connection connection, DSLContext ctx) throws SQLException;
    }

    /** Runs {@code work} as a local transaction: its writes to replicated tables are captured like any user's. */
    <T> T local(Work<T> work) {
        return run(false, (c, ctx) -> work.run(ctx));
    }

    /**
     * Runs {@code work} as a local transaction once, without retrying a transient failure: for work that keeps state
     * outside the database and must start again from the top if its transaction fails.
     */
    <T> T localOnce(Work<T> work) {
        return once(false, (c, ctx) -> work.run(ctx));
    }

    /**
     * How long a transaction {@linkplain #aside beside an apply} waits for a lock on PostgreSQL before it gives up (H2
     * gives up after its own lock timeout).
     */
    static final int ASIDE_LOCK_TIMEOUT_MILLIS = 2_000;

    /**
     * Runs {@code work} as a local transaction once, on a connection of its own, for an apply that waits for it while
     * holding its own (see {@link dev.converge.apply.ApplyEngine.Sequencing}); a lock waited for past
     * {@value #ASIDE_LOCK_TIMEOUT_MILLIS} ms fails it, so that a wait that could only end with the apply's transaction
     * fails instead of hanging (the caller then does the work in the apply's transaction).
     */
    <T> T aside(Work<T> work) {
        return once(false, (c, ctx) -> {
            if (dialect == Dialect.POSTGRESQL) {
                ctx.execute("SELECT set_config('lock_timeout', '" + ASIDE_LOCK_TIMEOUT_MILLIS + "ms', true)");
            }
            return work.run(ctx);
        });
    }

    /**
     * Runs {@code work} as an apply transaction: capture skips its writes to replicated tables, which are not local
     * changes and must not echo back to their origin.
     */
    <T> T applying(ConnectionWork<T> work) {
        return run(true, work);
    }

    /**
     * {@link #applying} once, without retrying a transient failure: for a run applied ahead of another
     * ({@code Inbound.startAhead}), which its caller applies in turn whenever that fails.
     */
    <T> T applyingOnce(ConnectionWork<T> work) {
        return once(true, work);
    }

    /**
     * A connection in a read-only transaction at snapshot isolation, for a {@link dev.converge.resync.SnapshotSource}
     * that holds it open while a peer pulls the snapshot: PostgreSQL's REPEATABLE READ (a snapshot taken at the first
     * read), H2's SNAPSHOT. The caller closes it.
     */
    Connection readSnapshot() {
        try {
            Connection c = db.getConnection();
            try {
                c.setAutoCommit(false);
                if (dialect == Dialect.POSTGRESQL) {
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    c.setReadOnly(true);
                } else {
                    // H2's REPEATABLE READ fixes a table's rows only once the transaction read that table; SNAPSHOT
                    // fixes the whole database at the first statement (reset by SnapshotSource.close)
                    try (var s = c.createStatement()) {
                        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
                    }
                }
                return c;
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new ConvergeException(self + ": cannot open a snapshot transaction: " + e.getMessage(), e);
        }
    }

    private <T> T run(boolean applying, ConnectionWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(applying, work);
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !isTransient(e)) {
                    throw e;
                }
                long pause = backoff(attempt);
                LOG.debug("{}: transient database failure ({}), attempt {} of {}, again in {} ms", self, sqlState(e), attempt, ATTEMPTS, pause);
                sleep(pause);
            }
        }
    }

    /**
     * H2: sets the session variable {@code @converge_applying} for the apply, so that a user trigger can tell a row
     * Converge applies from a local write (PostgreSQL's triggers read the setting {@code converge.applying}). Session
     * variables outlive the transaction on a pooled connection, hence the reset, whatever happened.
     */
    private static <T> T whileApplyingH2(DSLContext ctx, java.util.concurrent.Callable<T> work) throws Exception {
        ctx.execute("SET @converge_applying = TRUE");
        try {
            return work.call();
        } finally {
            try {
                ctx.execute("SET @converge_applying = NULL");
            } catch (RuntimeException e) {
                LOG.debug("could not reset @converge_applying ({}); the connection is closed after the apply anyway", e.toString());
            }
        }
    }

    private <T> T once(boolean applying, ConnectionWork<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                DSLContext ctx = DSL.using(c, dialect.jooq());
                T result;
                if (applying && dialect == Dialect.POSTGRESQL) {
                    ctx.execute("SELECT set_config('converge.applying', 'on', true)");
                    result = work.run(c, ctx);
                } else if (applying) {
                    result = whileApplyingH2(ctx, () -> H2CaptureTrigger.whileApplying(() -> work.run(c, ctx)));
                } else {
                    result = work.run(c, ctx);
                }
                c.commit();
                return result;
            } catch (Throwable e) {
                rollback(c, e);
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                if (e instanceof Error err) {
                    throw err;
                }
                throw new ConvergeException(self + ": " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new ConvergeException(self + ": database failure: " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Exponential backoff with full jitter: up to 10 ms, 20 ms, 40 ms, ... (at most about a second in all). */
    static long backoff(int attempt) {
        long cap = 10L << Math.min(attempt - 1, 10);
        return 1 + ThreadLocalRandom.current().nextLong(cap);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvergeException("interrupted while waiting to retry a transaction", e);
        }
    }

    static boolean isTransient(Throwable e) {
        return SqlFailures.isTransient(e);
    }

    static String sqlState(Throwable e) {
        return SqlFailures.sqlState(e);
    }
}
