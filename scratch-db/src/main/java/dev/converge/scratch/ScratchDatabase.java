package dev.converge.scratch;

import java.lang.ref.Cleaner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A fresh, empty database, H2 or PostgreSQL, for tests and the scenario runner. Every call gets a database of its
 * own, even with a name used before: the name only makes it recognisable.
 *
 * <p>Thread-safe. An H2 database lives in memory until its {@link DataSource} is no longer reachable: it is then shut
 * down (after a garbage collection finds it so), so that a property that makes thousands of databases holds only those
 * still in use. PostgreSQL databases live on
 * {@link PostgresServer#shared()}; on a server named by {@value PostgresServer#URL_VARIABLE} they are dropped when the
 * JVM exits.
 */
public final class ScratchDatabase {
    /** Leaves room under PostgreSQL's 63-character limit for the unique suffix. */
    private static final int MAX_BASE = 63 - 9;

    /** Shuts down the in-memory H2 databases whose data sources are gone: one daemon thread for all. */
    private static final Cleaner H2_CLEANER = Cleaner.create();

    private ScratchDatabase() {}

    /**
     * A new in-memory H2 database named after {@code name}, which may be any text: characters a database name cannot
     * hold become {@code _}.
     */
    public static DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        // DB_CLOSE_DELAY=-1: an in-memory H2 database otherwise vanishes when its last connection closes.
        String url = "jdbc:h2:mem:" + base(name) + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        ds.setURL(url);
        // the action holds the URL only, never the data source: it runs once nothing can open a connection through it
        H2_CLEANER.register(ds, () -> shutDown(url));
        return ds;
    }

    /** Shuts the in-memory database at {@code url} down, if it is still there (IFEXISTS: never creates it to do so). */
    static void shutDown(String url) {
        try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE"); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // gone already (90146), or shut down by its user: nothing is left to free
        }
    }

    /** A new PostgreSQL database named after {@code name} (any text), on {@link PostgresServer#shared()}. */
    public static DataSource postgresql(String name) {
        String unique = base(name) + "_" + UUID.randomUUID().toString().substring(0, 8);
        PostgresServer server = PostgresServer.shared();
        DataSource ds = server.freshDatabase(unique);
        server.dropOnExit(unique);
        return ds;
    }

    /**
     * As {@link #postgresql}, as a JDBC URL with the server's credentials in it: for a process of its own (a node
     * started as {@code converge run}) that opens the database by URL.
     */
    public static String postgresqlUrl(String name) {
        String unique = base(name) + "_" + UUID.randomUUID().toString().substring(0, 8);
        PostgresServer server = PostgresServer.shared();
        server.freshDatabase(unique);
        server.dropOnExit(unique);
        return server.jdbcUrl(unique);
    }

    /** Lower-case letters, digits and underscores only, so the name is safe in an H2 URL and a PostgreSQL name. */
    private static String base(String name) {
        String cleaned = name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (cleaned.isEmpty()) {
            cleaned = "scratch";
        }
        return cleaned.length() > MAX_BASE ? cleaned.substring(0, MAX_BASE) : cleaned;
    }
}
