package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.backlog.BacklogLimit;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.node.status.LiveStatus;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The backlog limit over real HTTP: c stops while a and b write past a small limit, a and b mark it for resync within
 * their backlog check and keep nothing for it (their outboxes empty, counted in SQL), and {@code /status},
 * {@code /metrics} and the status lines say what to do; when c comes back, the change it wrote while stopped still
 * reaches a and b, and c learns and shows that it is marked. Then a removed peer is refused with the advice.
 */
class PeerBacklogTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId C = NodeId.of("c");
    static final BacklogLimit THREE_ROWS = new BacklogLimit(OptionalLong.of(3), Optional.empty());

    private static long count(PeerMesh mesh, String node, String sql) {
        return ((Number) mesh.sql(node).scalar(sql)).longValue();
    }

    private static NodeStatus.PeerStatus peer(NodeStatus s, String id) {
        return s.peers().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    @AllDialects
    void aPeerAwayPastTheLimitIsMarkedItsOwnChangesStillArriveAndItIsTold(Dialect dialect) throws Exception {
        try (PeerMesh mesh = PeerMesh.of(dialect, "backlog_" + dialect.name().toLowerCase(), List.of("a", "b", "c")).startAll()) {
            mesh.running("a").limitBacklog(THREE_ROWS);
            mesh.running("b").limitBacklog(THREE_ROWS);
            mesh.sql("a").execute("insert into item values (1, 'before', 1)");
            mesh.awaitConverged(1, Duration.ofSeconds(30));

            mesh.stop("c");
            mesh.sql("c").execute("insert into item values (100, 'written at c while it was away', 1)"); // captured, not sent
            for (int i = 2; i <= 6; i++) {
                mesh.sql("a").execute("insert into item values (" + i + ", 'while c is away', 1)");
            }
            mesh.sql("a").execute("delete from item where id = 2");
            Await.until(() -> mesh.node("a").standings().get(C).marked().isPresent(), Duration.ofSeconds(30),
                "a marks c for resync once its backlog passes 3 rows");
            Await.until(() -> count(mesh, "a", "select count(*) from \"cv_outbox\"") == 0, Duration.ofSeconds(30),
                "a keeps nothing for c once b has everything");

            NodeStatus status = mesh.running("a").status();
            String advice = peer(status, "c").resync();
            assertTrue(advice != null && advice.startsWith("peer c is marked for resync since ")
                && advice.contains(": its backlog grew past max_backlog_rows=3 (")
                && advice.endsWith("; on c run `converge resync --from a`"), String.valueOf(advice));
            assertEquals(0L, peer(status, "c").waitingChangeSets(), "nothing waits for a marked peer");
            assertTrue(LiveStatus.lines(status, URI.create("http://a/status")).contains("  " + advice), "the status lines show it");
            NodeStatus live = LiveStatus.read(URI.create(mesh.url("a") + "/status"), Duration.ofSeconds(10)).orElseThrow();
            assertEquals(advice, peer(live, "c").resync(), "converge status reads it from GET /status");
            assertTrue(peer(live, "b").waitingRows() != null, "with the rows waiting");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mesh.url("a") + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("converge_peer_marked_for_resync{peer=\"c\"} 1.0"), metrics);
            assertTrue(metrics.contains("converge_queue_rows{peer=\"b\"}"), metrics);

            mesh.start("c");
            mesh.running("c").limitBacklog(THREE_ROWS);
            Await.until(() -> count(mesh, "a", "select count(*) from item where id = 100") == 1
                    && count(mesh, "b", "select count(*) from item where id = 100") == 1, Duration.ofSeconds(60),
                "what c wrote while away reaches a and b");
            Await.until(() -> mesh.node("c").standings().get(A).markedByPeer().isPresent(), Duration.ofSeconds(60),
                "c records that a marked it");
            NodeStatus ofC = mesh.running("c").status();
            String told = peer(ofC, "a").resyncOfThisNode();
            assertTrue(told != null && told.startsWith("peer c is marked for resync since ")
                && told.endsWith("; on c run `converge resync --from a`"), String.valueOf(told));
            assertTrue(LiveStatus.lines(ofC, URI.create("http://c/status")).contains("  a says: " + told), "c's status lines show it");
            assertEquals(0, count(mesh, "c", "select count(*) from item where id = 3 or id = 4"),
                "neither a nor b sends c what they wrote while it was away: it reloads from a snapshot");
        }
    }

    @AllDialects
    void aRemovedPeerIsRefusedWithTheAdviceAndHoldsNothingBack(Dialect dialect) {
        try (PeerMesh mesh = PeerMesh.of(dialect, "removed_" + dialect.name().toLowerCase(), List.of("a", "b")).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'x', 1)");
            mesh.awaitConverged(1, Duration.ofSeconds(30));
            mesh.stop("b");
            mesh.sql("a").execute("insert into item values (2, 'y', 1)");
            Node a = mesh.node("a");
            assertTrue(Node.removePeer(a.config(), mesh.dataSource("a"), NodeId.of("b")).get());
            Await.until(() -> count(mesh, "a", "select count(*) from \"cv_outbox\"") == 0, Duration.ofSeconds(30),
                "a keeps nothing for a removed peer");
            mesh.start("b");
            Await.until(() -> mesh.running("b").status().peers().get(0).lastError() != null
                    && mesh.running("b").status().peers().get(0).lastError().contains("was removed from the mesh"), Duration.ofSeconds(30),
                "b is told it was removed: " + mesh.running("b").status().peers().get(0).lastError());
            String removed = peer(mesh.running("a").status(), "b").removed();
            assertTrue(removed != null && removed.contains("remove it from `peers` in the configuration file of every node"), String.valueOf(removed));
        }
    }
}
