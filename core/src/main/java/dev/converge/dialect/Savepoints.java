package dev.converge.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * Savepoints that end when the caller is done with them: the apply's per-row attempts, a row filter checked inside a
 * running node's transaction, a resolver function called under a savepoint. Undoing to a savepoint keeps it (SQL's
 * rule), and a savepoint never released lives until the transaction ends, so an apply that tries thousands of rows
 * one at a time (or calls a function for each of thousands of conflicts) would pile them up: on PostgreSQL each is a
 * nested subtransaction under the last (past 64 a transaction's subtransactions overflow its cache, and every
 * snapshot on the server pays for it); on H2 each stays in the session, and every refused statement walks them all.
 * Hence {@link #undo} releases what it rolls back to and {@link #keep} releases what succeeded. H2 does nothing on a
 * release, though (it keeps the savepoint until the transaction ends), but a savepoint set under a name already taken
 * replaces the one before: so {@link #set} names each savepoint by its depth — how many set here are still open on
 * this thread — and a savepoint set after another at the same depth ended takes its place instead of adding one.
 * (PostgreSQL keeps both of two same-named savepoints, but the release has popped the first.)
 *
 * <p>Savepoints are ended in the reverse order they were set (releasing one ends those set after it). The depth is
 * kept per thread (an apply works on one connection from one thread); a savepoint whose end an exception skipped
 * leaves its depth counted, which only makes later names deeper, never two open ones alike. Thread-confined state,
 * no locks.
 */
public final class Savepoints {
    private static final String PREFIX = "cv_sp_";
    /** Savepoints set by {@link #set} on this thread and not ended yet. */
    private static final ThreadLocal<int[]> OPEN = ThreadLocal.withInitial(() -> new int[1]);

    private Savepoints() {
    }

    /** A savepoint named by its depth (see above). */
    public static Savepoint set(Connection connection) throws SQLException {
        int[] open = OPEN.get();
        Savepoint sp = connection.setSavepoint(PREFIX + open[0]);
        open[0]++;
        return sp;
    }

    /** Rolls back to {@code sp} and ends it. */
    public static void undo(Connection connection, Savepoint sp) throws SQLException {
        connection.rollback(sp);
        keep(connection, sp);
    }

    /** Ends {@code sp}, keeping what was written since it was set. */
    public static void keep(Connection connection, Savepoint sp) throws SQLException {
        try {
            connection.releaseSavepoint(sp);
        } finally {
            int[] open = OPEN.get();
            open[0] = Math.max(0, open[0] - 1);
        }
    }
}
