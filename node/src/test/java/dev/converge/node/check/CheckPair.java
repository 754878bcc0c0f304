package dev.converge.node.check;

import static dev.converge.node.testkit.NodeDatabases.dataSource;
import static dev.converge.node.testkit.NodeDatabases.freePort;
import static dev.converge.node.testkit.NodeDatabases.url;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerEndpoint;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.peer.Secret;
import dev.converge.node.run.RunningNode;
import dev.converge.node.tls.NodeTls;
import dev.converge.testkit.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Two peers A and B, each running ({@link RunningNode}) on its own database and port of 127.0.0.1, replicating
 * {@code item} over real HTTP, and A's configuration file for {@code converge check}, which reads A's database by its
 * URL (an H2 database in memory is shared within the JVM). Rows can be written behind replication's back: in a
 * transaction that also deletes what capture wrote, so it never becomes a ChangeSet.
 */
final class CheckPair implements AutoCloseable {
    static final String SCHEMA = "create table item (id int primary key, name varchar(100), qty int)";
    private static final String SECRET = "check-pair-secret-" + UUID.randomUUID();

    private final String urlA;
    private final String urlB;
    private final int portA = freePort();
    private final int portB = freePort();
    private final RunningNode a;
    private final RunningNode b;
    private final Sql sqlA;
    private final Sql sqlB;

    private final String scheme;

    CheckPair(Dialect dialect, String name) {
        this(dialect, name, NodeTls.plain(), NodeTls.plain());
    }

    /** A pair whose nodes serve and trust as {@code tlsA} and {@code tlsB} say (both HTTPS, or both HTTP). */
    CheckPair(Dialect dialect, String name, NodeTls tlsA, NodeTls tlsB) {
        this.scheme = tlsB.scheme();
        this.urlA = url(dialect, name + "_a");
        this.urlB = url(dialect, name + "_b");
        this.sqlA = Sql.on(dataSource(urlA));
        this.sqlB = Sql.on(dataSource(urlB));
        sqlA.execute(SCHEMA);
        sqlB.execute(SCHEMA);
        this.a = start("A", "B", urlA, portA, portB, tlsA);
        this.b = start("B", "A", urlB, portB, portA, tlsB);
    }

    private RunningNode start(String id, String peer, String url, int port, int peerPort, NodeTls tls) {
        NodeConfig config = NodeConfig.builder(id).peer(peer).table(TableConfig.of("item")).build();
        Node node = Node.open(config, dataSource(url), TimeSource.system());
        PeerEndpoint endpoint = new PeerEndpoint(NodeId.of(peer), URI.create(scheme + "://127.0.0.1:" + peerPort), Secret.of(SECRET));
        return new RunningNode(node, dataSource(url), new InetSocketAddress("127.0.0.1", port), List.of(endpoint),
            PeerLimits.DEFAULT.withMaxBackoff(Duration.ofMillis(500)), tls, List.of());
    }

    /** A's configuration file, replicating {@code item} with {@code tableSettings} under it (e.g. a filter). */
    Path configOfA(Path dir, String tableSettings) {
        return configOfA(dir, "a.yaml", tableSettings, "");
    }

    /** A's configuration file {@code name}, with {@code more} lines at its end (e.g. a tls section). */
    Path configOfA(Path dir, String name, String tableSettings, String more) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, String.join("\n",
                "id: A",
                "listen: \"127.0.0.1:" + portA + "\"",
                "database:",
                "  url: \"" + urlA + "\"",
                "peers:",
                "  - id: B",
                "    url: \"" + scheme + "://127.0.0.1:" + portB + "\"",
                "    secret: \"" + SECRET + "\"",
                "tables:",
                "  item:" + tableSettings,
                more,
                ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    Sql sql(String id) {
        return id.equals("A") ? sqlA : sqlB;
    }

    /** Runs statements on a node as one transaction that replication never sees. */
    void behindReplicationsBack(String id, String... statements) {
        String[] all = java.util.Arrays.copyOf(statements, statements.length + 1);
        all[statements.length] = "delete from \"cv_outbox\"";
        sql(id).transaction(all);
    }

    void stopB() {
        b.close();
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
