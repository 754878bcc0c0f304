package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Peers replicating over real HTTP on 127.0.0.1, each with its own database, on both dialects. */
class PeerReplicationTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @AllDialects
    void twoNodesWritingBothWaysConverge(Dialect dialect) {
        try (PeerMesh mesh = PeerMesh.of(dialect, "two", List.of("a", "b")).startAll()) {
            for (int i = 1; i <= 20; i++) {
                mesh.sql("a").execute("insert into item values (" + i + ", 'a" + i + "', " + i + ")");
                mesh.sql("b").execute("insert into item values (" + (100 + i) + ", 'b" + i + "', " + i + ")");
            }
            mesh.awaitConverged(40, BOUND);
            mesh.sql("b").execute("update item set qty = 99 where id = 1");
            mesh.sql("a").execute("delete from item where id = 101");
            Await.until(() -> mesh.items("a").contains("QTY=99") || mesh.items("a").contains("qty=99"), BOUND, "a has b's update");
            mesh.awaitConverged(39, BOUND);
        }
    }

    @AllDialects
    void threeNodesWritingOnEveryNodeConverge(Dialect dialect) {
        List<String> ids = List.of("a", "b", "c");
        try (PeerMesh mesh = PeerMesh.of(dialect, "three", ids).startAll()) {
            for (int i = 1; i <= 10; i++) {
                for (int n = 0; n < ids.size(); n++) {
                    mesh.sql(ids.get(n)).execute("insert into item values (" + (n * 1000 + i) + ", 'x', " + i + ")");
                }
            }
            // one row changed on all three at once: a conflict every node decides alike
            mesh.awaitConverged(30, BOUND);
            for (String id : ids) {
                mesh.sql(id).execute("update item set name = '" + id + "' where id = 1");
            }
            mesh.awaitConverged(30, BOUND);
        }
    }

    /** b never writes: only its heartbeat can tell a that it applied a's delete, so that a lets the tombstone go. */
    @AllDialects
    void aPeerThatNeverWritesReleasesTombstonesByItsHeartbeat(Dialect dialect) {
        try (PeerMesh mesh = PeerMesh.of(dialect, "heartbeat", List.of("a", "b"), (id, b) -> b.purgeGrace(Duration.ZERO)).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'doomed', 1)");
            mesh.awaitConverged(1, BOUND);
            mesh.sql("a").execute("delete from item where id = 1");
            mesh.awaitConverged(0, BOUND);
            Await.until(() -> {
                mesh.running("a").node().purge();
                return ((Number) mesh.sql("a").scalar("select count(*) from \"cv_shadow_item\" where \"cv_deleted\" = true")).intValue() == 0;
            }, BOUND, "a's tombstone goes once b's heartbeat says b applied the delete");
        }
    }

    @AllDialects
    void aPeerDownWhileOthersWriteCatchesUpWhenBack(Dialect dialect) {
        try (PeerMesh mesh = PeerMesh.of(dialect, "down", List.of("a", "b", "c")).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'before', 1)");
            mesh.awaitConverged(1, BOUND);
            mesh.stop("c");
            for (int i = 2; i <= 30; i++) {
                mesh.sql(i % 2 == 0 ? "a" : "b").execute("insert into item values (" + i + ", 'while c is down', " + i + ")");
            }
            Await.until(() -> ((Number) mesh.sql("b").scalar("select count(*) from item")).intValue() == 30, BOUND, "a and b carry on without c");
            Await.until(() -> mesh.running("a").status().peers().stream()
                .anyMatch(p -> p.id().equals("c") && Boolean.FALSE.equals(p.reachable()) && p.waitingChangeSets() > 0), BOUND,
                "a's status says c is unreachable and has ChangeSets waiting");
            mesh.start("c");
            mesh.awaitConverged(30, BOUND);
            Await.until(() -> mesh.running("a").status().peers().stream()
                .allMatch(p -> Boolean.TRUE.equals(p.reachable()) && p.waitingChangeSets() == 0), BOUND, "a's queues are empty again");
        }
    }

    @AllDialects
    void aReceiverRestartMakesTheSenderSayHelloAgainAndContinue(Dialect dialect) {
        try (RootLogs logs = new RootLogs(); PeerMesh mesh = PeerMesh.of(dialect, "restart", List.of("a", "b")).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'first', 1)");
            mesh.awaitConverged(1, BOUND);
            Await.until(() -> mesh.running("a").status().peers().get(0).waitingChangeSets() == 0, BOUND, "a has b's receipt");
            mesh.stop("b");
            mesh.start("b"); // forgets every session: a's next request names one b does not know
            mesh.sql("a").execute("insert into item values (2, 'second', 2)");
            mesh.awaitConverged(2, BOUND);
            // b applies before it answers: a learns that it got through a moment after the rows are there
            Await.until(() -> Boolean.TRUE.equals(mesh.running("a").status().peers().get(0).reachable()), BOUND,
                "a's status says it reaches b after b's restart");
            NodeStatus.PeerStatus b = mesh.running("a").status().peers().get(0);
            assertEquals(null, b.lastError(), "no error left once a reaches b: " + b);
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("no longer knows our session")),
                "a said hello again after b forgot its session: " + logs.lines());
        }
    }

    @AllDialects
    void twoNodesDeliveringToEachOtherUnderLoadFinish(Dialect dialect) throws Exception {
        int perNode = 400;
        try (PeerMesh mesh = PeerMesh.of(dialect, "load", List.of("a", "b")).startAll()) {
            ExecutorService writers = Executors.newFixedThreadPool(2);
            List<Future<?>> done = new ArrayList<>();
            for (String id : List.of("a", "b")) {
                int base = id.equals("a") ? 0 : 100_000;
                done.add(writers.submit(() -> {
                    for (int i = 1; i <= perNode; i++) {
                        // every fifth transaction also touches a row both write: conflicts while both deliver at once
                        if (i % 5 == 0) {
                            mesh.sql(id).transaction("insert into item values (" + (base + i) + ", '" + id + "', " + i + ")",
                                "update item set qty = " + i + " where id = 1");
                        } else {
                            mesh.sql(id).execute("insert into item values (" + (base + i) + ", '" + id + "', " + i + ")");
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            writers.shutdown();
            mesh.awaitConverged(2 * perNode, Duration.ofSeconds(120));
            for (String id : List.of("a", "b")) {
                // the rows are visible at the receiver before its answer reaches the sender
                Await.until(() -> mesh.running(id).status().peers().get(0).waitingChangeSets() == 0, BOUND, id + " has every receipt");
                NodeStatus.PeerStatus peer = mesh.running(id).status().peers().get(0);
                assertTrue(peer.delivered() >= perNode && peer.reachable(), id + " delivered its writes over HTTP: " + peer);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aBatchTooLargeForThePeerIsSentInSmallerPieces() {
        // at most 4 KiB inflated: forty ChangeSets of about 400 bytes each are refused with 413 until halved to fit
        try (PeerMesh mesh = PeerMesh.of(Dialect.H2, "halves", List.of("a", "b")).limits(PeerMesh.LIMITS.withBodyLimits(2048, 4096))) {
            java.util.Random random = new java.util.Random(7);
            for (int i = 1; i <= 40; i++) {
                StringBuilder name = new StringBuilder();
                while (name.length() < 100) {
                    name.append(Long.toHexString(random.nextLong()));
                }
                mesh.sql("a").execute("insert into item values (" + i + ", '" + name.substring(0, 100) + "', " + i + ")");
            }
            mesh.startAll();
            mesh.awaitConverged(40, BOUND);
            assertTrue(mesh.running("b").metrics().scrape().lines()
                    .anyMatch(l -> l.startsWith("converge_requests_refused_total{reason=\"too-large\"}") && !l.endsWith(" 0.0")),
                "b refused the whole batch first: " + mesh.running("b").metrics().scrape().lines().filter(l -> l.contains("refused")).toList());
        }
    }
}
