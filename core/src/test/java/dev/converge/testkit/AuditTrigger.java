package dev.converge.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.Trigger;

/**
 * An H2 user trigger that logs each inserted row's key into table {@code audit}, the way an application's audit
 * trigger would. With {@code skipReplicated} (trigger name ending in {@code _LOCAL}) it skips rows Converge applies,
 * as the README says such a trigger can: by reading the session variable {@code @converge_applying}.
 */
public final class AuditTrigger implements Trigger {
    private boolean localOnly;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
        localOnly = triggerName.toUpperCase(java.util.Locale.ROOT).endsWith("_LOCAL");
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        try (Statement s = conn.createStatement()) {
            if (localOnly) {
                try (ResultSet r = s.executeQuery("SELECT @converge_applying")) {
                    if (r.next() && r.getBoolean(1)) {
                        return;
                    }
                }
            }
            s.executeUpdate("INSERT INTO audit VALUES (" + ((Number) newRow[0]).intValue() + ")");
        }
    }
}
