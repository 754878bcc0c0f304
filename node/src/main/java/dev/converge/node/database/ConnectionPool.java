package dev.converge.node.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.converge.model.NodeId;
import dev.converge.node.config.DatabaseSettings;
import java.nio.charset.StandardCharsets;

/**
 * Opens a HikariCP pool on the node's database. The pool is the {@code DataSource} a {@code dev.converge.Node} takes
 * connections from, one per unit of work. The password goes to the pool only (Hikari masks it in its own logs); it is
 * never logged here. Stateless; the returned pool is thread-safe and must be closed by the caller.
 */
public final class ConnectionPool {
    /** Connections a node needs at most: capture is in the application's connections, not these. */
    static final int MAX_CONNECTIONS = 8;

    private ConnectionPool() {
    }

    /**
     * A pool that connects lazily: opening it does not touch the database, the first {@code getConnection} does
     * (and reports a database that is down or refuses the login then, with the database's own message).
     */
    public static HikariDataSource open(NodeId node, DatabaseSettings database) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("converge-" + node.value());
        config.setJdbcUrl(durable(database.url()));
        database.user().ifPresent(config::setUsername);
        database.password().ifPresent(p -> config.setPassword(new String(p.bytes(), StandardCharsets.UTF_8)));
        config.setMaximumPoolSize(MAX_CONNECTIONS);
        config.setMinimumIdle(0);
        // -1: do not check the database while building the pool; a command reports the failure when it first connects
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /**
     * The URL, made to write every commit through to the file if it opens an H2 file database in this process (unless
     * it sets {@code WRITE_DELAY} itself). H2 otherwise keeps commits in memory for up to half a second
     * ({@code WRITE_DELAY} 500), and a node killed in that window loses transactions it had already sequenced and
     * shipped: the peers would hold changes its own database no longer has, and it would hand out their sequence numbers
     * again. Found by {@code CrashCampaignIT}. A database H2 serves elsewhere ({@code tcp:}) is that server's to set; an
     * in-memory one has nothing to lose.
     */
    static String durable(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:mem:") || lower.startsWith("jdbc:h2:tcp:")
            || lower.startsWith("jdbc:h2:ssl:") || lower.contains("write_delay=")) {
            return url;
        }
        return url + ";WRITE_DELAY=0";
    }
}
