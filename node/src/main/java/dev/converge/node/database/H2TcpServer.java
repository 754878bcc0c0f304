package dev.converge.node.database;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import org.h2.tools.Server;

/**
 * H2's own TCP server, started by the node for its H2 file database, so that applications in other processes can write
 * to the database while the node runs: an H2 file is otherwise open in one process only, and capture triggers and apply
 * must run in the node's JVM. Applications connect with {@link #applicationUrl()} ({@code jdbc:h2:tcp://...}); the node
 * itself keeps its embedded connections to the same database. Local connections only (H2's default). Not thread-safe:
 * started and stopped by the thread that runs the node.
 */
public final class H2TcpServer implements AutoCloseable {
    private final Server server;
    private final String applicationUrl;

    private H2TcpServer(Server server, String applicationUrl) {
        this.server = server;
        this.applicationUrl = applicationUrl;
    }

    /**
     * Starts the server on {@code port} for the database of {@code embeddedUrl} (a {@code jdbc:h2:} file URL).
     *
     * @throws IllegalArgumentException if the URL is not of an H2 file database
     * @throws SQLException if the port cannot be bound
     */
    public static H2TcpServer start(String embeddedUrl, int port) throws SQLException {
        Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifExists").start();
        return new H2TcpServer(server, applicationUrl(embeddedUrl, server.getPort()));
    }

    /** The URL through which other processes reach the H2 file database of {@code embeddedUrl} served on {@code port}. */
    public static String applicationUrl(String embeddedUrl, int port) {
        return "jdbc:h2:tcp://localhost:" + port + "/" + filePath(embeddedUrl);
    }

    /** The URL applications in other processes use to reach the database. */
    public String applicationUrl() {
        return applicationUrl;
    }

    /** The absolute path of the database file of an embedded H2 URL, with its settings ({@code ;...}) left out. */
    static String filePath(String embeddedUrl) {
        String rest = embeddedUrl.substring("jdbc:h2:".length());
        int settings = rest.indexOf(';');
        String path = settings < 0 ? rest : rest.substring(0, settings);
        if (path.toLowerCase(Locale.ROOT).startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.startsWith("mem:") || path.startsWith("tcp:") || path.startsWith("ssl:")) {
            throw new IllegalArgumentException("h2_tcp_port serves an H2 file database; " + embeddedUrl + " is not one");
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    @Override
    public void close() {
        server.stop();
    }
}
