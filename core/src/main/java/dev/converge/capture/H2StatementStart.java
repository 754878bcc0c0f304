package dev.converge.capture;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * Capture on H2, its statement half: a {@code BEFORE INSERT, UPDATE, DELETE ... FOR EACH STATEMENT} trigger on every
 * replicated table that tells {@link H2CaptureTrigger} a statement starts, so the row trigger may read the clock and
 * check the transaction's registration once per statement instead of once per row. H2 fires it before every
 * statement that changes the table, also before each statement a cascade or a MERGE runs inside another, which is
 * all the row trigger relies on: it is never told where a statement ends (H2 fires a MERGE's inserted rows after
 * the statement triggers around it). Loaded by H2 itself; public for that reason only.
 */
public final class H2StatementStart implements Trigger {
    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        H2CaptureTrigger.statementStarts(conn);
    }
}
