package dev.converge.scratch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.Sql;
import java.net.ServerSocket;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs against a real PostgreSQL: {@code CONVERGE_PG_URL} if set, else the embedded server. Never skipped. */
class PostgresServerIT {
    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();
    private final PostgresServer server = PostgresServer.shared();

    /** On a server named by CONVERGE_PG_URL these would outlive the run; leave it as we found it. */
    @AfterAll
    static void dropCreatedDatabases() {
        CREATED.forEach(PostgresServer.shared()::dropDatabase);
    }

    private DataSource fresh(String name) {
        CREATED.add(name);
        return server.freshDatabase(name);
    }

    @Test
    void aFreshDatabaseStoresAndReturnsRows() throws Exception {
        DataSource db = fresh("it_round_trip");
        Sql sql = Sql.on(db);

        sql.execute("CREATE TABLE item (id INT PRIMARY KEY, doc JSONB)");
        sql.execute("INSERT INTO item VALUES (1, '{\"a\": 1}')");

        assertEquals(List.of(Map.of("id", 1)), sql.query("SELECT id FROM item WHERE doc ->> 'a' = '1'"),
                "a JSONB query only PostgreSQL understands should find the inserted row");
        try (Connection c = db.getConnection()) {
            assertEquals(Dialect.POSTGRESQL, Dialect.of(c), "Dialect.of should recognise PostgreSQL");
            assertEquals("it_round_trip", c.getCatalog(), "the data source should point at the new database");
        }
    }

    @Test
    void twoDatabasesAreIsolated() {
        Sql a = Sql.on(fresh("it_iso_a"));
        Sql b = Sql.on(fresh("it_iso_b"));

        a.execute("CREATE TABLE item (id INT)", "INSERT INTO item VALUES (1)");
        b.execute("CREATE TABLE item (id INT)");

        assertEquals(0L, ((Number) b.scalar("SELECT count(*) FROM item")).longValue(),
                "a row inserted in one database must not be visible in another");
    }

    @Test
    void freshDatabaseReplacesAnExistingOneEvenWithOpenConnections() throws Exception {
        DataSource old = fresh("it_replace");
        Sql.on(old).execute("CREATE TABLE leftover (id INT)");
        try (Connection open = old.getConnection()) {
            Sql again = Sql.on(fresh("it_replace"));

            assertEquals(0L, ((Number) again.scalar(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'leftover'")).longValue(),
                    "recreating a database should leave it empty");
            assertTrue(!open.isValid(2), "a connection to the dropped database should have been terminated");
        }
    }

    @Test
    void dropDatabaseRemovesIt() {
        fresh("it_drop");
        server.dropDatabase("it_drop");
        server.dropDatabase("it_drop"); // dropping what is gone is not an error

        Sql admin = Sql.on(fresh("it_drop_probe"));
        assertEquals(0L, ((Number) admin.scalar("SELECT count(*) FROM pg_database WHERE datname = 'it_drop'"))
                .longValue(), "the dropped database should no longer be listed");
    }

    @Test
    void jdbcUrlNamesTheDatabase() {
        String url = server.jdbcUrl("some_db");
        assertTrue(url.startsWith("jdbc:postgresql://") && url.contains("/some_db"), "unexpected URL " + url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "has-dash", "semi;colon", "quote\"d", "é",
            "a_name_that_is_far_too_long_for_postgresql_which_allows_63_chars"})
    void aBadNameIsRejectedWithAClearMessage(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.freshDatabase(name));
        assertTrue(e.getMessage().contains("a-z, 0-9 and _"), "the message should say which names fit: " + e);
    }

    @Test
    void anUnreachableConfiguredServerIsNamedInTheError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "jdbc:postgresql://localhost:" + closedPort + "/postgres?user=postgres&password=hunter2";

        ScratchDatabaseException e = assertThrows(ScratchDatabaseException.class, () -> PostgresServer.external(url));

        assertTrue(e.getMessage().startsWith("CONVERGE_PG_URL names the PostgreSQL server"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"), "the password must not appear in the message: " + e);
    }

    @Test
    void aUrlThatIsNotPostgresIsRejectedWithAClearMessage() {
        ScratchDatabaseException e = assertThrows(ScratchDatabaseException.class,
                () -> PostgresServer.external("jdbc:h2:mem:x;password=hunter2"));
        assertTrue(e.getMessage().startsWith("CONVERGE_PG_URL must be a PostgreSQL JDBC URL"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"), "the password must not appear in the message: " + e);
    }
}
