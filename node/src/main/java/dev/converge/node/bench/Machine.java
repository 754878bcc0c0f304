package dev.converge.node.bench;

import dev.converge.dialect.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** One line saying where the figures come from: cores, database and the settings that change them most. */
final class Machine {
    private Machine() {}

    static String describe(Dialect dialect, DataSource db) throws SQLException {
        String cores = Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version().feature();
        try (Connection c = db.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            if (dialect != Dialect.POSTGRESQL) {
                return cores + ", " + product + " (in memory)";
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('wal_level')")) {
                rs.next();
                return cores + ", " + product + " (fsync " + rs.getString(1) + ", synchronous_commit " + rs.getString(2)
                    + ", wal_level " + rs.getString(3) + ")";
            }
        }
    }
}
