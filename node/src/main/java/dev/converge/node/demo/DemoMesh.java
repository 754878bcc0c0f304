package dev.converge.node.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.node.config.ConfigProblem;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.run.RunningNode;
import dev.converge.node.run.WorkbenchMount;
import io.vavr.control.Either;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The three demo nodes at work, started from their node files as {@code converge run} would start each: the file read
 * through {@link NodeFile}, a connection pool on the node's database, the sample tables created there,
 * {@code Node.open} (which installs capture and the key allocation), then a {@link RunningNode} on the file's listen
 * address with the workbench when the file lists workbench users. Every node is opened before any starts, so that no sender meets a peer that is not installed yet.
 *
 * <p>Thread-safe: {@link #close} may run on a shutdown hook while the demo's thread reads; after it, reads fail.
 */
final class DemoMesh implements AutoCloseable {
    /**
     * One node: its settings as read from its file, the node's own connection pool on its database, the running node,
     * and the application's pool on the same database. The demo's writers must not take the node's connections (its
     * pool is sized for the node's own work: senders, apply, receivers), as no application shares a node's pool.
     */
    record Peer(NodeSettings settings, HikariDataSource db, RunningNode running, HikariDataSource app) {
        String id() {
            return settings.id().value();
        }

        Node node() {
            return running.node();
        }

        /** The base URL of the node's HTTP server. */
        String url() {
            return "http://" + settings.listen().getHostString() + ":" + running.port();
        }
    }

    private final List<Peer> peers;
    private boolean closed;

    private DemoMesh(List<Peer> peers) {
        this.peers = List.copyOf(peers);
    }

    /**
     * Starts a node from each file, in order, each with an application pool of {@code appConnections} connections.
     *
     * @throws IllegalStateException if a file has a problem (listed) or a node cannot start; what started is stopped
     */
    static DemoMesh start(List<Path> files, int appConnections) throws SQLException {
        List<NodeSettings> settings = new ArrayList<>();
        for (Path file : files) {
            Either<List<ConfigProblem>, NodeSettings> read = NodeFile.read(file);
            if (read.isLeft()) {
                throw new IllegalStateException("the demo wrote a node file it cannot read:\n"
                    + read.getLeft().stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
            }
            settings.add(read.get());
        }
        List<HikariDataSource> pools = new ArrayList<>();
        List<Peer> started = new ArrayList<>();
        try {
            List<Node> nodes = new ArrayList<>();
            for (NodeSettings s : settings) {
                HikariDataSource pool = ConnectionPool.open(s.id(), s.database());
                pools.add(pool);
                SampleSchema.create(pool);
                nodes.add(Node.open(s.core(), pool, TimeSource.system()));
            }
            for (int i = 0; i < settings.size(); i++) {
                NodeSettings s = settings.get(i);
                HikariDataSource app = applicationPool(s, appConnections);
                pools.add(app);
                WorkbenchMount workbench = new WorkbenchMount(nodes.get(i), s.users());
                RunningNode running = new RunningNode(nodes.get(i), pools.get(i), s.listen(), s.peers(), PeerLimits.DEFAULT,
                    s.users().isEmpty() ? List.of() : List.of(workbench.routes()));
                workbench.attach(running);
                started.add(new Peer(s, pools.get(i), running, app));
            }
            return new DemoMesh(started);
        } catch (SQLException | RuntimeException e) {
            started.forEach(p -> p.running().close());
            pools.forEach(HikariDataSource::close);
            throw e;
        }
    }

    private static HikariDataSource applicationPool(NodeSettings s, int connections) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("demo-app-" + s.id().value());
        config.setJdbcUrl(s.database().url());
        s.database().user().ifPresent(config::setUsername);
        s.database().password().ifPresent(p -> config.setPassword(new String(p.bytes(), StandardCharsets.UTF_8)));
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(0);
        return new HikariDataSource(config);
    }

    List<Peer> peers() {
        return peers;
    }

    /** The application's pool of each node, in order. */
    List<DataSource> applications() {
        return peers.stream().map(p -> (DataSource) p.app()).toList();
    }

    /** Stops every node (links, then server), then closes the databases. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        peers.forEach(p -> p.running().close());
        peers.forEach(p -> {
            p.app().close();
            p.db().close();
        });
    }
}
