package dev.converge.scratch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

class ScratchDatabaseTest {

    @AllDialects
    void aScratchDatabaseStoresAndReturnsRows(Dialect dialect) {
        Sql sql = Sql.on(TestDatabases.fresh(dialect, "round_trip"));

        sql.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20))");
        sql.update("INSERT INTO item (id, name) VALUES (?, ?)", 1, "apple");

        assertEquals(List.of(Map.of("id", 1, "name", "apple")), sql.query("SELECT id, name FROM item"),
                "the row read back should be the row written, with lower-case column keys");
    }

    @AllDialects
    void twoScratchDatabasesWithTheSameNameAreIsolated(Dialect dialect) {
        Sql first = Sql.on(TestDatabases.fresh(dialect, "same"));
        Sql second = Sql.on(TestDatabases.fresh(dialect, "same"));

        first.execute("CREATE TABLE item (id INT PRIMARY KEY)", "INSERT INTO item VALUES (1)");
        second.execute("CREATE TABLE item (id INT PRIMARY KEY)");

        assertEquals(0L, ((Number) second.scalar("SELECT count(*) FROM item")).longValue(),
                "a row written to one scratch database must not appear in another of the same name");
    }

    @AllDialects
    void theDialectIsDetectedFromTheConnection(Dialect dialect) throws Exception {
        DataSource db = TestDatabases.fresh(dialect, "detect");
        try (Connection c = db.getConnection()) {
            assertEquals(dialect, Dialect.of(c), "Dialect.of should recognise the database it is connected to");
        }
    }

    @AllDialects
    void anyTextMakesAUsableName(Dialect dialect) {
        String awkward = "Peer A; DROP TABLE x -- é/" + "z".repeat(100);
        Sql sql = Sql.on(TestDatabases.fresh(dialect, awkward));

        assertEquals(1, ((Number) sql.scalar("SELECT 1")).intValue(),
                "a name with spaces, punctuation and 100+ characters should be sanitised, not rejected");
    }

    @AllDialects
    void aScratchDatabaseStartsEmpty(Dialect dialect) {
        Sql sql = Sql.on(TestDatabases.fresh(dialect, "empty"));

        Object tables = sql.scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?",
                dialect == Dialect.H2 ? "PUBLIC" : "public");

        assertTrue(((Number) tables).longValue() == 0, "a fresh database should have no user tables, found " + tables);
    }
}
