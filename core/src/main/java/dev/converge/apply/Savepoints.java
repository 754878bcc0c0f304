package dev.converge.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * Savepoints that end when the apply is done with them. Undoing to a savepoint keeps it (SQL's rule), and a savepoint
 * never released lives until the transaction ends, so an apply that tries thousands of rows one at a time would pile
 * them up: on PostgreSQL each is a nested subtransaction under the last (past 64 a transaction's subtransactions
 * overflow its cache, and every snapshot on the server pays for it); on H2 each stays in the session, and every
 * refused statement walks them all. Hence {@link #undo} releases what it rolls back to, {@link #keep} releases what
 * succeeded, and {@link #leaf} names a savepoint that nothing nests in: H2 does nothing on release, but a savepoint
 * set again under the same name replaces the one before (PostgreSQL keeps both, but the release has popped it).
 *
 * <p>Savepoints are ended in the reverse order they were set (releasing one ends those set after it). Stateless.
 */
final class Savepoints {
    private static final String LEAF = "cv_attempt";

    private Savepoints() {
    }

    /** A savepoint under which nothing sets another: one name serves every such savepoint of the transaction. */
    static Savepoint leaf(Connection connection) throws SQLException {
        return connection.setSavepoint(LEAF);
    }

    /** Rolls back to {@code sp} and ends it. */
    static void undo(Connection connection, Savepoint sp) throws SQLException {
        connection.rollback(sp);
        connection.releaseSavepoint(sp);
    }

    /** Ends {@code sp}, keeping what was written since it was set. */
    static void keep(Connection connection, Savepoint sp) throws SQLException {
        connection.releaseSavepoint(sp);
    }
}
