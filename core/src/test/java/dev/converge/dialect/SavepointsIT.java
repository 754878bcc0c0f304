package dev.converge.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Savepoints} on a real connection: thousands of savepoints set and ended under an outer one leave the database
 * no more savepoints than they were deep (H2 keeps every savepoint name until the transaction ends, so a name per
 * savepoint piled up, and every refused statement walked them all), and each still undoes exactly its own work.
 */
class SavepointsIT {
    @AllDialects
    void aSavepointPerAttemptReusesOneNamePerDepthAndEachUndoesOnlyItsOwnWork(Dialect dialect) throws SQLException {
        Cluster c = Cluster.of(dialect, "savepoints", List.of("A"), "CREATE TABLE t (id INT PRIMARY KEY)", List.of(TableConfig.of("t")));
        try (Connection conn = c.member("A").db().getConnection()) {
            conn.setAutoCommit(false);
            Set<String> names = new HashSet<>();
            execute(conn, "INSERT INTO t VALUES (1)");
            Savepoint outer = Savepoints.set(conn);
            names.add(outer.getSavepointName());
            execute(conn, "INSERT INTO t VALUES (2)");
            for (int i = 0; i < 2_000; i++) {
                Savepoint attempt = Savepoints.set(conn);
                names.add(attempt.getSavepointName());
                int id = 3 + i;
                if (i % 2 == 0) {
                    // refused: a duplicate key, as a colliding row is
                    assertThrows(SQLException.class, () -> execute(conn, "INSERT INTO t VALUES (1)"));
                    Savepoints.undo(conn, attempt);
                } else {
                    execute(conn, "INSERT INTO t VALUES (" + id + ")");
                    Savepoints.keep(conn, attempt);
                }
            }
            assertEquals(2, names.size(), "one name for the outer savepoint and one for every attempt under it: " + names);
            assertEquals(1 + 1 + 1_000, count(conn), "each refused attempt undid only itself; the kept ones and the outer work stay");

            Savepoints.undo(conn, outer);
            assertEquals(1, count(conn), "undoing the outer savepoint takes back everything after it, attempts included");
            Savepoint again = Savepoints.set(conn);
            assertTrue(names.contains(again.getSavepointName()), "once ended, a depth's name is used again");
            Savepoints.keep(conn, again);
            conn.rollback();
        }
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
