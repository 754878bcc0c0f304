package dev.converge.scratch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Scratch H2 databases: each its own, and shut down once nothing can reach it any more (no leak across thousands). */
class ScratchDatabaseTest {
    @Test
    void anH2DatabaseLivesWhileItsDataSourceIsReachableAndIsShutDownAfter() throws Exception {
        DataSource ds = ScratchDatabase.h2("gone");
        String url = ((JdbcDataSource) ds).getURL();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x INT)");
            s.execute("INSERT INTO t VALUES (7)");
        }
        System.gc();
        assertEquals(7, readBack(url + ";IFEXISTS=TRUE"), "a connection closed does not end the database while its data source lives");
        try (Connection c = ds.getConnection()) {
            assertTrue(c.isValid(1));
        }
        ds = null;
        long deadline = System.nanoTime() + 30_000_000_000L;
        boolean gone = false;
        while (!gone && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            try {
                readBack(url + ";IFEXISTS=TRUE");
            } catch (SQLException e) {
                gone = e.getErrorCode() == 90146; // database not found
            }
        }
        assertTrue(gone, "once its data source is unreachable the database is shut down, and its memory freed");
    }

    @Test
    void shuttingDownADatabaseThatIsGoneCreatesNothing() {
        String url = "jdbc:h2:mem:never-made-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        ScratchDatabase.shutDown(url);
        SQLException e = assertThrows(SQLException.class, () -> readBack(url + ";IFEXISTS=TRUE"));
        assertEquals(90146, e.getErrorCode(), "nothing was created to be shut down");
    }

    private static int readBack(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT x FROM t")) {
            r.next();
            return r.getInt(1);
        }
    }
}
