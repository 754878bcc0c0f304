package dev.converge.node.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.model.NodeId;
import dev.converge.node.cli.ConvergeCommand;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.tls.NodeTls;
import dev.converge.testkit.Await;
import dev.converge.testkit.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A running node reloads its configuration file ({@link ConfigReload}): nodes started from YAML files as
 * {@code converge run} starts them (their own H2 databases, their own ports on 127.0.0.1, replicating over real HTTP,
 * the reload route and its key), whose files the test then edits and reloads — through {@code converge reload}, the
 * command line's own code, or {@link ConfigReload#reload} directly.
 */
class ConfigReloadTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final PeerLimits LIMITS = PeerLimits.DEFAULT.withMaxBackoff(Duration.ofMillis(500));

    @TempDir
    Path dir;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Started> nodes = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();

    /** A node as the test started it. */
    private record Started(NodeSettings settings, HikariDataSource pool, RunningNode running, ConfigReload reload, AdminKey key) {
        void close() {
            key.close();
            running.close();
            pool.close();
        }
    }

    @AfterEach
    void stopAll() {
        nodes.values().forEach(Started::close);
    }

    @Test
    void aPeerAddedToTheFilesIsLinkedOnReloadAndReplicatesBothWays() throws Exception {
        ports("a", "b", "c");
        write("a", "b");
        write("b", "a");
        write("c", "a", "b");
        start("a");
        start("b");
        start("c"); // refused by a and b ("not a peer") until they reload
        awaitReachable("a", "B");
        // nothing written before c joins: a newcomer loads the mesh's earlier history from a snapshot (converge resync)

        write("a", "b", "c");
        write("b", "a", "c");
        String answer = reloadCommand("a", 0);
        assertTrue(answer.contains("peer C added: linked at http://127.0.0.1:" + ports.get("c")), answer);
        assertEquals(List.of(NodeId.of("B"), NodeId.of("C")), node("a").peers(), "the core node of a knows C");
        ConfigReload.Outcome b = nodes.get("b").reload().reload();
        assertTrue(b.valid() && b.lines().contains("peer C added: linked at http://127.0.0.1:" + ports.get("c")), b.lines().toString());

        sql("a").execute("insert into item values (1, 'written at a', 1)");
        sql("c").execute("insert into item values (2, 'written at c', 2)");
        sql("b").execute("insert into item values (3, 'written at b', 3)");
        awaitItems(List.of("a", "b", "c"), 3);
        assertTrue(items("c").contains("written at a"), "c received a's change");
        assertTrue(items("a").contains("written at c"), "a received c's change");
        NodeStatus status = nodes.get("a").running().status();
        assertEquals(List.of("B", "C"), status.peers().stream().map(NodeStatus.PeerStatus::id).toList(), "status shows the new peer");
        String metrics = nodes.get("a").running().metrics().scrape();
        assertTrue(metrics.contains("converge_queue_changesets{peer=\"C\"}"), "metrics of the new peer");
    }

    @Test
    void anInvalidFileChangesNothingAndItsProblemsAreLoggedAndAnswered() throws Exception {
        ports("a", "b", "c");
        write("a", "b");
        write("b", "a");
        start("a");
        start("b");
        String before = Files.readString(file("a"));
        // a new peer, with a secret too short, and a typo: nothing of it may be applied, the new peer included
        Files.writeString(file("a"), before.replace("peers:\n", "peers:\n  - {id: C, url: \"http://127.0.0.1:" + ports.get("c")
            + "\", secret: \"short\"}\n").replace("resolver_time_limit:", "resolver_time_limt:"));
        try (CapturedLogs logs = new CapturedLogs()) {
            String answer = reloadCommand("a", 1);
            assertTrue(answer.contains(file("a") + ":8:52: peers[0].secret: a shared secret needs at least 16 bytes"), answer);
            assertTrue(answer.contains("resolver_time_limt: unknown key (did you mean 'resolver_time_limit'?"), answer);
            assertTrue(answer.contains("nothing reloaded"), answer);
            ConfigReload.Outcome outcome = nodes.get("a").reload().reload(); // as SIGHUP does: the node reads the file
            assertFalse(outcome.valid());
            assertTrue(outcome.lines().stream().anyMatch(l -> l.startsWith(file("a") + ":8:52: peers[0].secret:")), outcome.lines().toString());
            assertTrue(outcome.lines().get(outcome.lines().size() - 1).contains("2 problems in " + file("a") + ": nothing reloaded"),
                outcome.lines().toString());
            assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains(file("a") + ":8:52: peers[0].secret:")),
                "the problem is logged where it is: " + logs.lines());
        }
        assertEquals(List.of(NodeId.of("B")), node("a").peers(), "a still has only B");
        sql("a").execute("insert into item values (1, 'after the bad reload', 1)");
        awaitItems(List.of("a", "b"), 1);
    }

    @Test
    void aChangedSecretTakesEffect() throws Exception {
        ports("a", "b");
        write("a", "b");
        write("b", "a");
        start("a");
        start("b");
        sql("a").execute("insert into item values (1, 'old secret', 1)");
        awaitItems(List.of("a", "b"), 1);

        String fresh = "a-fresh-secret-of-the-pair-" + UUID.randomUUID();
        secrets.put("a-b", fresh);
        write("a", "b");
        try (CapturedLogs logs = new CapturedLogs()) {
            ConfigReload.Outcome outcome = nodes.get("a").reload().reload();
            assertEquals(List.of("peer B: secret changed: link rebuilt (it says hello again)"), outcome.lines());
            // b still has the old secret: it refuses what a signs with the new one
            sql("a").execute("insert into item values (2, 'new secret', 2)");
            Await.until(() -> String.valueOf(nodes.get("a").running().status().peers().get(0).lastError()).contains("bad-signature"),
                BOUND, "b refuses a's requests signed with the new secret");
            assertEquals(1, count("b"), "b took nothing signed with a secret it does not have");
            assertTrue(logs.lines().stream().noneMatch(l -> l.contains(fresh)), "the new secret is never logged");
            assertFalse(outcome.lines().toString().contains(fresh), "nor answered");
        }
        write("b", "a");
        assertEquals(List.of("peer A: secret changed: link rebuilt (it says hello again)"), nodes.get("b").reload().reload().lines());
        awaitItems(List.of("a", "b"), 2);
    }

    @Test
    void keysThatCannotChangeLiveAreSaidToNeedARestartAndAreNotApplied() throws Exception {
        ports("a", "b", "other");
        write("a", "b");
        write("b", "a");
        start("a");
        start("b");
        String text = Files.readString(file("a"));
        Files.writeString(file("a"), text.replace("127.0.0.1:" + ports.get("a"), "127.0.0.1:" + ports.get("other"))
            .replace("resolver_time_limit: 2s", "resolver_time_limit: 5s")
            .replace("password: \"\"", "password: \"a-new-database-password\"")
            .replace("limits:\n  batch_size: 200", "limits:\n  batch_size: 200\n  max_backlog_rows: 5000"));
        try (CapturedLogs logs = new CapturedLogs()) {
            ConfigReload.Outcome outcome = nodes.get("a").reload().reload();
            assertTrue(outcome.valid(), outcome.lines().toString());
            assertTrue(outcome.lines().contains("listen: changed (127.0.0.1:" + ports.get("a") + " -> 127.0.0.1:" + ports.get("other")
                + "); needs a restart, not applied"), outcome.lines().toString());
            assertTrue(outcome.lines().contains("resolver_time_limit: changed (PT2S -> PT5S); needs a restart, not applied"),
                outcome.lines().toString());
            assertTrue(outcome.lines().contains("database.password: changed; needs a restart, not applied"), outcome.lines().toString());
            assertTrue(outcome.lines().stream().anyMatch(l -> l.startsWith("limits.max_backlog_rows / max_backlog_age: applied")),
                outcome.lines().toString());
            assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains("listen: changed")
                && l.contains("needs a restart")), logs.lines().toString());
            assertTrue(logs.lines().stream().noneMatch(l -> l.contains("a-new-database-password")), "no password logged");
            assertFalse(outcome.lines().toString().contains("a-new-database-password"), "nor answered");
        }
        assertEquals(ports.get("a"), nodes.get("a").running().port(), "a still listens where it started");
        sql("a").execute("insert into item values (1, 'still replicating', 1)");
        awaitItems(List.of("a", "b"), 1);
        // a second reload compares with what is in force: the same keys still need the restart, the limit is in force
        ConfigReload.Outcome again = nodes.get("a").reload().reload();
        assertTrue(again.lines().stream().noneMatch(l -> l.startsWith("limits.max_backlog")), again.lines().toString());
        assertTrue(again.lines().stream().anyMatch(l -> l.startsWith("listen: changed")), again.lines().toString());
    }

    @Test
    void linksRebuiltWhileChangeSetsFlowLoseNothingAndApplyNothingTwice() throws Exception {
        ports("a", "b");
        write("a", "b");
        write("b", "a");
        start("a");
        start("b");
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 300; i++) {
                sql("a").execute("insert into item values (" + i + ", 'row " + i + "', 0)");
                if (i % 3 == 0) {
                    sql("a").execute("update item set qty = qty + 1 where id = " + (i - 1));
                }
            }
        });
        writer.start();
        // the same peer at another spelling of its address: every reload rebuilds the link while deliveries run
        Await.until(() -> count("b") > 0, BOUND, "b receives");
        for (int round = 0; round < 4; round++) {
            String text = Files.readString(file("a"));
            boolean local = text.contains("http://localhost:");
            Files.writeString(file("a"), local ? text.replace("http://localhost:", "http://127.0.0.1:") : text.replace("http://127.0.0.1:", "http://localhost:"));
            ConfigReload.Outcome outcome = nodes.get("a").reload().reload();
            assertTrue(outcome.lines().size() == 1 && outcome.lines().get(0).startsWith("peer B: url ") && outcome.lines().get(0)
                .endsWith("link rebuilt (it says hello again)"), outcome.lines().toString());
            int seen = count("b");
            Await.until(() -> count("b") > seen || !writer.isAlive(), BOUND, "deliveries go on over the rebuilt link");
        }
        writer.join();
        awaitItems(List.of("a", "b"), 300);
        assertEquals(100L, ((Number) sql("b").scalar("select count(*) from item where qty = 1")).longValue(), "every update arrived once");
        assertEquals(0L, ((Number) sql("b").scalar("select count(*) from item where qty > 1")).longValue(), "none twice");
    }

    @Test
    void aPeerMissingFromTheFileIsUnlinkedButItsQueueIsKeptUntilItIsListedAgain() throws Exception {
        ports("a", "b");
        write("a", "b");
        write("b", "a");
        start("a");
        start("b");
        awaitReachable("a", "B");
        write("a");
        ConfigReload.Outcome outcome = nodes.get("a").reload().reload();
        assertTrue(outcome.lines().size() == 1 && outcome.lines().get(0).startsWith("peer B is no longer in the file: its link is stopped")
            && outcome.lines().get(0).contains("converge peer remove B"), outcome.lines().toString());
        NodeStatus.PeerStatus unlinked = nodes.get("a").running().status().peers().get(0);
        assertEquals("B", unlinked.id());
        assertTrue(unlinked.unlinked() != null && unlinked.unlinked().startsWith("peer B is no longer in the configuration file: unlinked"),
            "status says B is unlinked, not removed: " + unlinked);
        sql("a").execute("insert into item values (1, 'kept for b', 1)");
        Await.until(() -> node("a").backlog(NodeId.of("B")).changeSets() == 1, BOUND, "a keeps its ChangeSet for b");
        node("a").purge();
        assertEquals(1, node("a").backlog(NodeId.of("B")).changeSets(), "a purge keeps what b has not acknowledged");
        assertEquals(0, count("b"), "nothing was sent to b");

        write("a", "b");
        assertEquals(List.of("peer B is listed again: linked at http://127.0.0.1:" + ports.get("b")), nodes.get("a").reload().reload().lines());
        assertEquals(null, nodes.get("a").running().status().peers().get(0).unlinked(), "B is linked again");
        awaitItems(List.of("a", "b"), 1);
    }

    @Test
    void theReloadRouteTakesOnlyTheNodesKey() throws Exception {
        ports("a", "b", "c");
        write("a", "b");
        write("b", "a");
        start("a");
        start("b");
        write("a", "b", "c");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI url = java.net.URI.create("http://127.0.0.1:" + ports.get("a") + AdminEndpoint.RELOAD);
        for (String authorization : List.of("", "Bearer ", "Bearer AAAA", "Basic YTpi")) {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(url).POST(java.net.http.HttpRequest.BodyPublishers.noBody());
            if (!authorization.isEmpty()) {
                request.header("Authorization", authorization);
            }
            java.net.http.HttpResponse<String> answer = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(401, answer.statusCode(), "refused: '" + authorization + "'");
        }
        assertEquals(List.of(NodeId.of("B")), node("a").peers(), "nothing was reloaded");
        Path key = AdminKey.fileFor(file("a"));
        if (key.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        }
        assertFalse(Files.readString(key).contains(secret("a", "b")), "the key file holds no secret of the configuration");
        String answer = reloadCommand("a", 0);
        assertTrue(answer.contains("peer C added"), answer);
        nodes.remove("a").close();
        assertFalse(Files.exists(key), "a stopped node leaves no key");
        assertTrue(reloadCommand("a", 1).contains("no node runs with " + file("a")), "and converge reload says so");
    }

    @Test
    void convergeReloadPinsTheCertificateOfANodeThatServesHttps() throws Exception {
        ports("a", "b", "c");
        write("a", "b");
        write("b", "a");
        dev.converge.node.tls.TestCertificates certs = new dev.converge.node.tls.TestCertificates(Files.createDirectories(dir.resolve("tls")));
        start("a", certs.tls("a", "a")); // converge reload trusts the certificate a wrote into its key file, not a's truststore
        start("b");
        write("a", "b", "c");
        Path key = AdminKey.fileFor(file("a"));
        String pinned = Files.readString(key);
        assertTrue(java.util.regex.Pattern.compile("(?m)^certificates=[0-9a-f]{64}$").matcher(pinned).find(), pinned);
        Files.writeString(key, pinned.replaceAll("certificates=[0-9a-f]+", "certificates=" + "00".repeat(32)));
        String refused = reloadCommand("a", 1);
        assertTrue(refused.contains("cannot reach https://127.0.0.1:" + ports.get("a")), refused);
        assertEquals(List.of(NodeId.of("B")), node("a").peers(), "nothing reloaded through a server whose certificate is not pinned");
        Files.writeString(key, pinned);
        String answer = reloadCommand("a", 0);
        assertTrue(answer.contains("peer C added"), answer);
    }

    // ---- the nodes ------------------------------------------------------------------------------------------------

    private void ports(String... ids) throws IOException {
        for (String id : ids) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.put(id, s.getLocalPort());
            }
        }
    }

    private Path file(String id) {
        return dir.resolve(id + ".yaml");
    }

    private String secret(String a, String b) {
        String pair = a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
        return secrets.computeIfAbsent(pair, p -> "secret-of-" + p + "-" + UUID.randomUUID());
    }

    /** Writes node {@code id}'s file, listing {@code peers}. */
    private void write(String id, String... peers) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
            "id: " + id.toUpperCase(),
            "listen: \"127.0.0.1:" + ports.get(id) + "\"",
            "database:",
            "  url: \"jdbc:h2:mem:reload_" + run + "_" + id + ";DB_CLOSE_DELAY=-1\"",
            "  user: sa",
            "  password: \"\"",
            "peers:"));
        for (String p : peers) {
            lines.add("  - {id: " + p.toUpperCase() + ", url: \"http://127.0.0.1:" + ports.get(p) + "\", secret: \"" + secret(id, p) + "\"}");
        }
        if (peers.length == 0) {
            lines.set(lines.size() - 1, "peers: []");
        }
        lines.addAll(List.of("limits:", "  batch_size: 200", "resolver_time_limit: 2s", "tables:", "  item:", ""));
        Files.writeString(file(id), String.join("\n", lines), StandardCharsets.UTF_8);
    }

    /** Starts node {@code id} from its file as {@code converge run} does (without the console and the signal). */
    private void start(String id) throws Exception {
        start(id, NodeTls.plain());
    }

    /** As above, serving (and trusting) as {@code tls} says rather than as the file does. */
    private void start(String id, NodeTls tls) throws Exception {
        NodeSettings s = NodeFile.read(file(id)).getOrElseThrow(p -> new AssertionError(p.toString()));
        HikariDataSource pool = ConnectionPool.open(s.id(), s.database());
        Sql.on(pool).execute("create table item (id int primary key, name varchar(100), qty int)");
        Node node = Node.open(s.core(), pool, TimeSource.system());
        AdminEndpoint endpoint = new AdminEndpoint();
        RunningNode running = new RunningNode(node, pool, s.listen(), s.peers(), LIMITS, tls, List.of(endpoint.routes()));
        ConfigReload reload = new ConfigReload(running, s);
        AdminKey key = AdminKey.write(file(id), java.net.URI.create(tls.scheme() + "://127.0.0.1:" + running.port() + "/"),
            tls.servedCertificates());
        endpoint.attach(reload, running, key);
        nodes.put(id, new Started(s, pool, running, reload, key));
    }

    private Node node(String id) {
        return nodes.get(id).running().node();
    }

    private Sql sql(String id) {
        return Sql.on(nodes.get(id).pool());
    }

    private String items(String id) {
        return sql(id).query("select id, name, qty from item order by id").toString();
    }

    private int count(String id) {
        return ((Number) sql(id).scalar("select count(*) from item")).intValue();
    }

    private void awaitItems(List<String> ids, int rows) {
        Await.until(() -> ids.stream().allMatch(id -> count(id) == rows && items(id).equals(items(ids.get(0)))), BOUND,
            "nodes " + ids + " hold the same " + rows + " items");
    }

    private void awaitReachable(String from, String peer) {
        Await.until(() -> nodes.get(from).running().status().peers().stream()
            .anyMatch(p -> p.id().equals(peer) && Boolean.TRUE.equals(p.reachable())), BOUND, from + " reaches " + peer);
    }

    /** Runs {@code converge reload --config FILE} of node {@code id} in this JVM; asserts its exit code, returns its output. */
    private String reloadCommand(String id, int exit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ConvergeCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
            "reload", "--config", file(id).toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(exit, code, text);
        return text;
    }

    /** Everything Converge logs at INFO or above while it is open. */
    private static final class CapturedLogs implements AutoCloseable {
        private final Logger converge = (Logger) LoggerFactory.getLogger("dev.converge");
        private final Level level = converge.getLevel();
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        CapturedLogs() {
            appender.start();
            converge.addAppender(appender);
            converge.setLevel(Level.INFO);
        }

        synchronized List<String> lines() {
            return List.copyOf(appender.list).stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }

        @Override
        public void close() {
            converge.detachAppender(appender);
            converge.setLevel(level);
        }
    }
}
