package dev.converge.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * An H2 user trigger that fails any write of a row whose second column is {@code 'boom'}, with an SQLSTATE that is
 * neither a constraint violation nor a transient failure: what an application's own trigger may do to a replicated
 * row. Install with {@code CREATE TRIGGER t BEFORE INSERT, UPDATE ON tbl FOR EACH ROW CALL 'dev.converge.testkit.RefusingTrigger'}.
 */
public final class RefusingTrigger implements Trigger {
    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow != null && "boom".equals(newRow[1])) {
            throw new SQLException("boom: this row is refused by a user trigger", "P0001");
        }
    }
}
