package dev.converge.node.resync;

import static dev.converge.node.testkit.NodeDatabases.dataSource;
import static dev.converge.node.testkit.NodeDatabases.freePort;
import static dev.converge.node.testkit.NodeDatabases.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.converge.node.tls.TestCertificates;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge resync --from A} over real HTTP: a node joins (an empty database) or comes back, loads the running
 * peer's snapshot while the peer keeps writing, and then replicates from the snapshot's position once it runs; and over
 * HTTPS. Rows are compared in SQL on both databases.
 */
class ResyncCommandIT {
    static final String SCHEMA = "create table item (id int primary key, name varchar(100), qty int)";
    private static final String SECRET = "resync-secret-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @AllDialects
    void aNewNodeLoadsARunningPeersSnapshotAndReplicatesFromItsPosition(Dialect dialect) throws Exception {
        int portA = freePort();
        int portB = freePort();
        String urlA = url(dialect, "resync_a");
        String urlB = url(dialect, "resync_b");
        Sql a = Sql.on(dataSource(urlA)).execute(SCHEMA);
        Sql b = Sql.on(dataSource(urlB)).execute(SCHEMA);
        try (RunningNode nodeA = start("A", "B", urlA, portA, portB)) {
            a.execute(insertItems(1_200));
            a.execute("delete from item where id between 100 and 149");
            a.execute("update item set qty = qty + 1000 where id <= 10");

            Path config = configOfB(urlB, portB, portA);
            Run resync = converge("resync", "--config", config.toString(), "--from", "A", "--progress", "plain");
            assertEquals(0, resync.exit(), resync.out());
            assertTrue(resync.out().contains("B loaded the snapshot of A"), resync.out());
            assertEquals(rows(a), rows(b), "B holds A's rows (compared in SQL)");

            Run again = converge("resync", "--config", config.toString(), "--from", "A", "--progress", "none");
            assertEquals(0, again.exit(), again.out());
            assertTrue(again.out().contains(" 0 rows taken"), "A second resync takes nothing: " + again.out());

            // B runs now; both keep writing, and replication goes on from the snapshot's position
            try (RunningNode nodeB = start("B", "A", urlB, portB, portA)) {
                a.execute("update item set name = 'after the snapshot' where id = 1");
                b.execute("insert into item values (5000, 'written at B', 1)");
                waitUntil(() -> rows(a).equals(rows(b)) && rows(a).size() == 1_151);
                assertEquals("after the snapshot", b.scalar("select name from item where id = 1"));
                assertEquals(1L, ((Number) a.scalar("select count(*) from item where id = 5000")).longValue());
                assertTrue(nodeB.node().conflicts().isEmpty(), "Nothing B loaded arrives again as a conflict: " + nodeB.node().conflicts());
                assertTrue(nodeA.node().conflicts().isEmpty(), "" + nodeA.node().conflicts());
            }
        }
    }

    @AllDialects
    void aPeerMarkedForResyncIsTakenBackWhenItLoadsTheSnapshot(Dialect dialect) throws Exception {
        int portA = freePort();
        int portB = freePort();
        String urlA = url(dialect, "marked_a");
        String urlB = url(dialect, "marked_b");
        Sql a = Sql.on(dataSource(urlA)).execute(SCHEMA);
        Sql b = Sql.on(dataSource(urlB)).execute(SCHEMA);
        try (RunningNode nodeA = start("A", "B", urlA, portA, portB)) {
            nodeA.limitBacklog(new dev.converge.backlog.BacklogLimit(java.util.OptionalLong.of(3), java.util.Optional.empty()));
            a.execute("insert into item values (1, 'one', 1), (2, 'two', 2), (3, 'three', 3), (4, 'four', 4)");
            NodeId idB = NodeId.of("B");
            waitUntil(() -> nodeA.node().standings().get(idB).marked().isPresent());
            // the mark lets the history go in the same pass or the next: wait for it rather than race it
            waitUntil(() -> ((Number) a.scalar("select count(*) from \"cv_outbox\"")).longValue() == 0);

            Path config = configOfB(urlB, portB, portA);
            Run resync = converge("resync", "--config", config.toString(), "--from", "A", "--progress", "none");
            assertEquals(0, resync.exit(), resync.out());
            assertTrue(nodeA.node().standings().get(idB).kept(), "the resync took B back at A");
            assertEquals(rows(a), rows(b));
            try (RunningNode nodeB = start("B", "A", urlB, portB, portA)) {
                a.execute("insert into item values (5, 'after the resync', 5)");
                waitUntil(() -> rows(a).equals(rows(b)) && rows(b).size() == 5);
                assertTrue(nodeB.node().standings().get(NodeId.of("A")).markedByPeer().isEmpty(), "B was never told of a mark now gone");
            }
        }
    }

    /**
     * B runs, marked for resync at A (so A sends it nothing), while its application writes: {@code converge resync}
     * asks the running B, which loads A's snapshot itself, printing its lines through the command; then both replicate
     * from the snapshot's position, and B's writes made during the load arrive at A.
     */
    @AllDialects
    void aRunningNodeLoadsTheSnapshotItselfWhileItsApplicationWrites(Dialect dialect) throws Exception {
        int portA = freePort();
        int portB = freePort();
        String urlA = url(dialect, "running_a");
        String urlB = url(dialect, "running_b");
        Sql a = Sql.on(dataSource(urlA)).execute(SCHEMA);
        Sql b = Sql.on(dataSource(urlB)).execute(SCHEMA);
        try (RunningNode nodeA = start("A", "B", urlA, portA, portB)) {
            nodeA.limitBacklog(new dev.converge.backlog.BacklogLimit(java.util.OptionalLong.of(3), java.util.Optional.empty()));
            a.execute(insertItems(3_000));
            a.execute("update item set qty = qty + 1 where id <= 10");
            NodeId idB = NodeId.of("B");
            waitUntil(() -> nodeA.node().standings().get(idB).marked().isPresent());

            Path config = configOfB(urlB, portB, portA);
            dev.converge.node.run.AdminEndpoint admin = new dev.converge.node.run.AdminEndpoint();
            try (RunningNode nodeB = start("B", "A", urlB, portB, portA, NodeTls.plain(), List.of(admin.routes()));
                 dev.converge.node.run.AdminKey key = dev.converge.node.run.AdminKey.write(config,
                     URI.create("http://127.0.0.1:" + portB + "/"), List.of())) {
                admin.attach(new dev.converge.node.run.ConfigReload(nodeB,
                    dev.converge.node.config.NodeFile.read(config).getOrElseThrow(p -> new AssertionError(p.toString()))), nodeB, key);
                // B's application writes all through the load
                java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
                java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
                Thread application = new Thread(() -> {
                    for (int id = 10_001; loading.get(); id++) {
                        b.execute("insert into item values (" + id + ", 'written at B during the load', 1)");
                        written.incrementAndGet();
                    }
                });
                application.start();
                Run resync;
                try {
                    resync = converge("resync", "--config", config.toString(), "--from", "A", "--progress", "plain");
                } finally {
                    loading.set(false);
                    application.join();
                }
                assertEquals(0, resync.exit(), resync.out());
                assertTrue(resync.out().contains("node B is running at http://127.0.0.1:" + portB), resync.out());
                assertTrue(resync.out().contains("B loaded the snapshot of A"), "the running node's lines come through: " + resync.out());
                assertTrue(written.get() > 0, "the application wrote during the load");
                assertTrue(nodeA.node().standings().get(idB).kept(), "the resync took B back at A");

                a.execute("update item set name = 'after the snapshot' where id = 1");
                b.execute("update item set name = 'B after the snapshot' where id = 2");
                int total = 3_000 + written.get();
                waitUntil(() -> rows(a).equals(rows(b)) && rows(a).size() == total);
                assertEquals("after the snapshot", b.scalar("select name from item where id = 1"));
                assertEquals("B after the snapshot", a.scalar("select name from item where id = 2"));
                assertEquals(2L, ((Number) b.scalar("select qty from item where id = 1")).longValue(), "A's update before the snapshot, once");
                assertTrue(nodeB.node().conflicts().isEmpty(), "" + nodeB.node().conflicts());
                assertTrue(nodeA.node().conflicts().isEmpty(), "" + nodeA.node().conflicts());
            }
        }
    }

    @AllDialects
    void aRunningNodeOrAStrangerIsRefusedWithAReason(Dialect dialect) throws Exception {
        int portA = freePort();
        int portB = freePort();
        String urlB = url(dialect, "resync_refuse_b");
        Sql.on(dataSource(urlB)).execute(SCHEMA);
        Path config = configOfB(urlB, portB, portA);
        Run stranger = converge("resync", "--config", config.toString(), "--from", "Z");
        assertEquals(1, stranger.exit());
        assertTrue(stranger.out().contains("Z is not a peer of B"), stranger.out());
        try (ServerSocket busy = new ServerSocket(portB, 50, InetAddress.getLoopbackAddress())) {
            Run running = converge("resync", "--config", config.toString(), "--from", "A");
            assertEquals(1, running.exit());
            assertTrue(running.out().contains("something answers on 127.0.0.1:" + portB + ", where node B listens, but no node runs with"),
                "something holds B's port, but no node started with the file: " + running.out());
        }
        Run down = converge("resync", "--config", config.toString(), "--from", "A", "--progress", "none");
        assertEquals(1, down.exit(), "A is not running: " + down.out());
        assertTrue(down.out().contains("run it again"), down.out());
    }

    @org.junit.jupiter.api.Test
    void aNodeLoadsASnapshotOverHttpsVerifyingThePeersCertificate() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        certs.keystore("b");
        certs.truststore("b-trusts", "a");
        NodeTls tlsA = certs.tls("a", "a", "b");
        int portA = freePort();
        int portB = freePort();
        String urlA = url(Dialect.H2, "resync_tls_a");
        String urlB = url(Dialect.H2, "resync_tls_b");
        Sql a = Sql.on(dataSource(urlA)).execute(SCHEMA);
        Sql b = Sql.on(dataSource(urlB)).execute(SCHEMA);
        try (RunningNode nodeA = start("A", "B", urlA, portA, portB, tlsA)) {
            a.execute("insert into item values (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
            Path config = configOfB(urlB, portB, portA, "https", "tls: {keystore: b.p12, password: \"" + TestCertificates.PASSWORD
                + "\", truststore: b-trusts.p12, truststore_password: \"" + TestCertificates.PASSWORD + "\"}");
            Run resync = converge("resync", "--config", config.toString(), "--from", "A", "--progress", "none");
            assertEquals(0, resync.exit(), resync.out());
            assertEquals(rows(a), rows(b), "B holds A's rows, loaded over HTTPS (compared in SQL)");
            assertTrue(!resync.out().contains(TestCertificates.PASSWORD), resync.out());
        }
    }

    /** One insert of items 1 to {@code n} (name "item i", qty i % 7). */
    private static String insertItems(int n) {
        StringBuilder insert = new StringBuilder("insert into item values ");
        for (int i = 1; i <= n; i++) {
            insert.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'item ").append(i).append("', ").append(i % 7).append(")");
        }
        return insert.toString();
    }

    private record Run(int exit, String out) {
    }

    private static Run converge(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = dev.converge.node.cli.ConvergeCommand.execute(print, print, args);
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private static List<Map<String, Object>> rows(Sql sql) {
        return sql.query("select id, name, qty from item order by id");
    }

    private static void waitUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static RunningNode start(String id, String peer, String url, int port, int peerPort) {
        return start(id, peer, url, port, peerPort, NodeTls.plain());
    }

    private static RunningNode start(String id, String peer, String url, int port, int peerPort, NodeTls tls) {
        return start(id, peer, url, port, peerPort, tls, List.of());
    }

    private static RunningNode start(String id, String peer, String url, int port, int peerPort, NodeTls tls,
                                     List<java.util.function.Consumer<io.javalin.config.JavalinConfig>> routes) {
        NodeConfig config = NodeConfig.builder(id).peer(peer).table(TableConfig.of("item")).build();
        Node node = Node.open(config, dataSource(url), TimeSource.system());
        PeerEndpoint endpoint = new PeerEndpoint(NodeId.of(peer), URI.create("http://127.0.0.1:" + peerPort), Secret.of(SECRET));
        return new RunningNode(node, dataSource(url), new InetSocketAddress("127.0.0.1", port), List.of(endpoint),
            PeerLimits.DEFAULT.withMaxBackoff(Duration.ofMillis(500)), tls, routes);
    }

    private Path configOfB(String urlB, int portB, int portA) throws IOException {
        return configOfB(urlB, portB, portA, "http", "");
    }

    private Path configOfB(String urlB, int portB, int portA, String scheme, String tls) throws IOException {
        Path file = dir.resolve("b.yaml");
        Files.writeString(file, String.join("\n",
            "id: B",
            "listen: \"127.0.0.1:" + portB + "\"",
            "database:",
            "  url: \"" + urlB + "\"",
            "peers:",
            "  - id: A",
            "    url: \"" + scheme + "://127.0.0.1:" + portA + "\"",
            "    secret: \"" + SECRET + "\"",
            "tables:",
            "  item: {}",
            tls,
            ""));
        return file;
    }
}
