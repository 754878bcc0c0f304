package dev.converge.node.testkit;

import dev.converge.dialect.Dialect;
import dev.converge.scratch.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Databases and ports for tests that run nodes the way the command line does, by JDBC URL: a fresh database per call
 * (H2 in memory, shared within the JVM while it lives; or a database of the shared embedded PostgreSQL), a data
 * source for a URL, and a free port on the loopback address. Thread-safe.
 */
public final class NodeDatabases {
    private NodeDatabases() {
    }

    /** The URL of a new, empty database named after {@code name} (made unique). */
    public static String url(Dialect dialect, String name) {
        String unique = name.toLowerCase(Locale.ROOT) + "_" + UUID.randomUUID().toString().substring(0, 8);
        if (dialect == Dialect.H2) {
            return "jdbc:h2:mem:" + unique + ";DB_CLOSE_DELAY=-1";
        }
        PostgresServer.shared().freshDatabase(unique);
        return PostgresServer.shared().jdbcUrl(unique);
    }

    public static DataSource dataSource(String url) {
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL(url);
            return ds;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        return ds;
    }

    /** A port nothing listens on right now, on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
