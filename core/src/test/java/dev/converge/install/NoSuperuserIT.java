package dev.converge.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL: Converge installs and replicates as an ordinary role, without superuser rights and without
 * {@code session_replication_role}. The role here has only what the README lists for a role that owns its tables:
 * {@code CONNECT} on the database and {@code USAGE, CREATE} on the schema; it creates the tables (so owns them), and
 * Converge's own tables, functions and triggers, and moves identity sequences as their owner.
 */
class NoSuperuserIT {
    private static final String ROLE = "converge_plain_role";
    private static final String SCHEMA = """
        CREATE TABLE parent (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name VARCHAR(40));
        CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent (id) ON UPDATE CASCADE, name VARCHAR(40))""";

    @Test
    void replicatesAsARoleWithoutSuperuserRights() throws SQLException {
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "nosuper", List.of("A", "B"), SCHEMA,
            List.of(TableConfig.of("parent"), TableConfig.of("child")), b -> b, NoSuperuserIT::asPlainRole);
        assertFalse((Boolean) c.sql("A").scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"),
            "The nodes run as a role without superuser rights.");
        c.sql("A").transaction("INSERT INTO child VALUES (1, NULL, 'c')", "INSERT INTO parent (name) VALUES ('p')",
            "UPDATE child SET parent_id = 1 WHERE id = 1");
        c.sync();
        c.write("B", "INSERT INTO parent (name) VALUES ('q')");
        c.sync();
        assertEquals(List.of(1, 2), ids(c.sql("A"), "parent"), "B's identity moved past A's row: its own row got 2.");
        assertEquals(c.rows("A", "child"), c.rows("B", "child"), "The child arrived whole.");
        AssertionError truncate = assertThrows(AssertionError.class, () -> c.sql("B").execute("TRUNCATE child"), "TRUNCATE is refused.");
        assertTrue(truncate.getMessage().contains("TRUNCATE of table child is refused"), "It says why: " + truncate.getMessage());
        assertEquals(List.of(), c.node("A").conflicts(), "No conflict anywhere.");
        assertEquals(List.of(), c.node("B").conflicts(), "No conflict anywhere.");
    }

    private static List<Integer> ids(Sql sql, String table) {
        return sql.query("SELECT id FROM " + table + " ORDER BY id").stream().map(r -> ((Number) r.values().iterator().next()).intValue()).toList();
    }

    /** The fresh database reached as {@link #ROLE}, created (once per server) with no rights beyond those granted here. */
    private static DataSource asPlainRole(DataSource admin) {
        String url;
        try (Connection conn = admin.getConnection()) {
            url = conn.getMetaData().getURL();
            String database = conn.getCatalog();
            Sql.on(admin).execute(
                "DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN PASSWORD 'plain' NOSUPERUSER NOCREATEDB NOCREATEROLE; "
                    + "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "GRANT CONNECT ON DATABASE \"" + database + "\" TO " + ROLE,
                "GRANT USAGE, CREATE ON SCHEMA public TO " + ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url.replaceAll("\\?.*$", ""));
        ds.setUser(ROLE);
        ds.setPassword("plain");
        return ds;
    }
}
