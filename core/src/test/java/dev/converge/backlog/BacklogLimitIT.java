package dev.converge.backlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.NodeStatus;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.DelegatingDataSource;
import dev.converge.transport.Heartbeat;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A peer that stays away past the backlog limit is marked for resync: the node stops keeping ChangeSets and tombstones
 * for it (counted in SQL), says so with the advice, still applies what the peer itself had not sent, and takes it back
 * once it has loaded a snapshot ({@link Node#resynced}). A peer removed for good holds nothing back either. Each test
 * runs on H2 and PostgreSQL with three in-process nodes; C is "away" by not being delivered to or from.
 */
class BacklogLimitIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40))";
    static final NodeId A = NodeId.of("A");
    static final NodeId C = NodeId.of("C");

    static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")), b -> b.purgeGrace(Duration.ZERO));
    }

    static long count(Cluster c, String node, String sql) {
        return ((Number) c.sql(node).scalar(sql)).longValue();
    }

    static long tombstones(Cluster c, String node) {
        return count(c, node, "SELECT COUNT(*) FROM \"cv_shadow_pers\" WHERE \"cv_deleted\" = TRUE");
    }

    /** A and B go on writing (rows inserted in one transaction, then deleted) while C is away. */
    static void writeWhileCIsAway(Cluster c) {
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')", "INSERT INTO pers VALUES (2, 'Ana')", "INSERT INTO pers VALUES (3, 'Dan')");
        c.tick(10);
        c.write("A", "DELETE FROM pers WHERE marca = 2");
        c.tick(10);
        c.write("B", "INSERT INTO pers VALUES (4, 'Eva')");
        for (int i = 0; i < 3; i++) {
            c.deliver("A", "B");
            c.deliver("B", "A");
        }
        c.node("A").receiveHeartbeat(NodeId.of("B"), c.node("B").heartbeat()); // B has seen A's delete
    }

    @AllDialects
    void aPeerPastTheRowLimitIsMarkedAndHoldsNothingBack(Dialect dialect) {
        Cluster c = cluster(dialect, "backlog_rows");
        c.write("C", "INSERT INTO pers VALUES (10, 'Cezar')"); // C's own change, written before it went away, never sent
        writeWhileCIsAway(c);
        Node a = c.node("A");
        Node.Backlog before = a.backlog(C);
        assertEquals(2, before.changeSets());
        assertEquals(4, before.rows(), "three inserts and a delete were captured for C");
        assertTrue(count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\"") > 0, "the outbox holds what C lacks");
        a.purge();
        assertEquals(1, tombstones(c, "A"), "C has not seen the delete: its tombstone stays");

        assertTrue(a.checkBacklog(new BacklogLimit(OptionalLong.of(10), Optional.empty())).isEmpty(), "4 rows are within 10");
        List<ResyncMark> marks = a.checkBacklog(new BacklogLimit(OptionalLong.of(3), Optional.empty()));
        assertEquals(1, marks.size());
        ResyncMark mark = marks.get(0);
        assertEquals(C, mark.peer());
        assertEquals(A, mark.markedBy());
        assertTrue(mark.advice().startsWith("peer C is marked for resync since 2026-01-01T12:00:00Z: its backlog grew past max_backlog_rows=3 (4 rows)"),
            mark.advice());
        assertTrue(mark.advice().endsWith("; on C run `converge resync --from A`"), mark.advice());
        assertTrue(a.checkBacklog(new BacklogLimit(OptionalLong.of(3), Optional.empty())).isEmpty(), "a peer is marked once");

        assertEquals(0, count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\""), "B has everything; nothing is kept for C any more");
        assertEquals(0, tombstones(c, "A"), "the tombstone no longer waits for C");
        assertEquals(new Node.Backlog(C, 0, Optional.empty(), 0), a.backlog(C));
        assertEquals(Optional.of(mark), a.standings().get(C).marked());
        NodeStatus stored = Node.status(a.config(), c.member("A").db()).get();
        NodeStatus.PeerBacklog ofC = stored.peers().stream().filter(p -> p.peer().equals(C)).findFirst().orElseThrow();
        assertEquals(Optional.of(mark), ofC.standing().marked(), "status read from the database shows the mark");
        assertEquals(0, ofC.changeSetsWaiting());

        assertEquals(0, c.deliver("A", "C"), "A sends C nothing any more");
        c.write("A", "INSERT INTO pers VALUES (5, 'Fane')");
        c.deliver("A", "B");
        assertEquals(0, count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\""), "new changes are not kept for C either");

        assertEquals(1, c.deliver("C", "A"), "C's own unsent change ships first");
        assertEquals(1, count(c, "A", "SELECT COUNT(*) FROM pers WHERE marca = 10"), "and is applied at A");
        c.deliver("C", "B");
        assertEquals(1, count(c, "B", "SELECT COUNT(*) FROM pers WHERE marca = 10"), "and at B, which has not marked C");

        assertTrue(c.node("C").markedByPeer(A, Optional.of(mark)), "C records what A told it");
        assertFalse(c.node("C").markedByPeer(A, Optional.of(mark)), "told again, nothing changes");
        assertEquals(Optional.of(mark), c.node("C").standings().get(A).markedByPeer());
        assertTrue(Node.status(c.node("C").config(), c.member("C").db()).get().peers().get(0).standing().markedByPeer().isPresent());
    }

    /**
     * A peer marked while another step of trimming runs — here a peer's heartbeat being trimmed, which frees no outbox —
     * still holds nothing back once that step ends. Before, the purge the mark asks for was skipped because a trim was
     * running, and the outbox stayed for good on a quiet mesh: only an acknowledgement that moves trims it again (seen
     * in the node module's PeerBacklogTest, where a's backlog check and b's heartbeats both come every 5 s).
     */
    @AllDialects
    void aPeerMarkedWhileAHeartbeatIsTrimmedStillHoldsNothingBack(Dialect dialect) throws Exception {
        HeldStep held = new HeldStep("afterHeartbeat");
        Cluster c = Cluster.of(dialect, "backlog_held", List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")),
            b -> b.purgeGrace(Duration.ZERO), held::wrap);
        writeWhileCIsAway(c);
        Node a = c.node("A");
        assertTrue(count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\"") > 0, "the outbox holds what C lacks");

        Heartbeat fromB = c.node("B").heartbeat();
        held.arm();
        CompletableFuture<Void> heartbeat = CompletableFuture.runAsync(() -> a.receiveHeartbeat(NodeId.of("B"), fromB));
        try {
            assertTrue(held.entered.await(30, TimeUnit.SECONDS), "the heartbeat's trim is running");
            assertEquals(1, a.checkBacklog(new BacklogLimit(OptionalLong.of(3), Optional.empty())).size(), "C is marked meanwhile");
        } finally {
            held.release.countDown();
        }
        heartbeat.get(30, TimeUnit.SECONDS);

        Await.until(() -> count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\"") == 0, Duration.ofSeconds(10),
            "B has everything; once the heartbeat's trim ends, nothing is kept for C any more");
    }

    /**
     * Wraps a node's database so that the first statement run inside {@code History.<step>} after {@link #arm} waits
     * until {@link #release} is counted down: that step of trimming is then running, for as long as the test wants.
     */
    static final class HeldStep {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final String step;
        private final AtomicBoolean armed = new AtomicBoolean();

        HeldStep(String step) {
            this.step = step;
        }

        void arm() {
            armed.set(true);
        }

        DataSource wrap(DataSource db) {
            return new DelegatingDataSource(db) {
                @Override
                public Connection getConnection() throws SQLException {
                    Connection real = target.getConnection();
                    return (Connection) Proxy.newProxyInstance(HeldStep.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                                holdIfInStep();
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
                }
            };
        }

        private void holdIfInStep() throws InterruptedException {
            boolean inStep = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals("dev.converge.queue.History") && f.getMethodName().equals(step)));
            if (inStep && armed.compareAndSet(true, false)) {
                entered.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
        }
    }

    @AllDialects
    void aPeerAwayLongerThanTheAgeLimitIsMarkedAndTakenBackAfterResync(Dialect dialect) {
        Cluster c = cluster(dialect, "backlog_age");
        writeWhileCIsAway(c);
        Node a = c.node("A");
        BacklogLimit twoHours = new BacklogLimit(OptionalLong.empty(), Optional.of(Duration.ofHours(2)));
        c.tick(Duration.ofHours(1).toMillis());
        assertTrue(a.checkBacklog(twoHours).isEmpty(), "an hour is within two");
        c.tick(Duration.ofHours(1).toMillis() + 1000);
        List<ResyncMark> marks = a.checkBacklog(twoHours);
        assertEquals(1, marks.size());
        assertTrue(marks.get(0).advice().contains(": it was away longer than max_backlog_age=2h; on C run `converge resync --from A`"),
            marks.get(0).advice());

        long trimmed = count(c, "A", "SELECT MAX(\"seq\") FROM \"cv_outbox_tx\"");
        IllegalStateException tooOld = assertThrows(IllegalStateException.class, () -> a.resynced(C, 0));
        assertTrue(tooOld.getMessage().contains("load a newer snapshot"), tooOld.getMessage());

        a.resynced(C, trimmed); // C loaded a snapshot of A at A's last sequence (as the resync command will)
        c.sql("C").execute("INSERT INTO \"cv_applied\" (\"origin\", \"seq\", \"max_ts\") VALUES ('A', " + trimmed + ", 0)");
        assertTrue(a.standings().get(C).kept(), "no longer marked");
        c.write("A", "INSERT INTO pers VALUES (6, 'Gelu')");
        assertEquals(1, a.backlog(C).changeSets(), "what A writes after the snapshot waits for C again");
        c.deliver("B", "C"); // B never marked C: what it sends meets the dependencies of A's new ChangeSet
        assertEquals(1, c.deliver("A", "C"));
        assertEquals(1, count(c, "C", "SELECT COUNT(*) FROM pers WHERE marca = 6"));
        c.deliver("A", "B");
        assertEquals(0, count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\""), "B's and C's acknowledgements free it");
    }

    @AllDialects
    void aRemovedPeerHoldsNothingBackAndAnAddedOneIsMarkedUntilItResyncs(Dialect dialect) {
        Cluster c = cluster(dialect, "backlog_remove");
        writeWhileCIsAway(c);
        Node a = c.node("A");
        c.node("A").receiveHeartbeat(C, c.node("C").heartbeat());
        assertTrue(Node.removePeer(a.config(), c.member("A").db(), C).get());
        assertFalse(Node.removePeer(a.config(), c.member("A").db(), C).get(), "removed once");
        assertEquals(0, count(c, "A", "SELECT COUNT(*) FROM \"cv_heartbeat\" WHERE \"peer\" = 'C'"), "its heartbeat is dropped");
        a.purge();
        assertEquals(0, count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\""), "nothing waits for a removed peer");
        assertEquals(0, tombstones(c, "A"));
        assertTrue(a.standings().get(C).departed().isPresent());
        assertTrue(Node.removePeer(a.config(), c.member("A").db(), A).isLeft(), "a node cannot remove itself");

        assertTrue(Node.addPeer(a.config(), c.member("A").db(), C).get(), "it had been removed");
        assertEquals(PeerStanding.ordinary(C), a.standings().get(C), "added back: kept, nothing marked");
        c.write("A", "INSERT INTO pers VALUES (7, 'Horia')");
        c.deliver("A", "B");
        a.purge();
        assertTrue(count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox\"") > 0, "A keeps what it writes from now on for C");
    }

    @AllDialects
    void anInstallOfVersionTwoIsUpgraded(Dialect dialect) {
        Cluster c = cluster(dialect, "backlog_upgrade");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.deliver("A", "B");
        for (String column : List.of("resync_since", "resync_reason", "told_resync_since", "told_resync_reason", "departed_since")) {
            c.sql("A").execute("ALTER TABLE \"cv_peer\" DROP COLUMN \"" + column + "\"");
        }
        c.sql("A").execute("ALTER TABLE \"cv_outbox_tx\" DROP COLUMN \"captured_rows\"");
        c.sql("A").execute("ALTER TABLE \"cv_outbox_tx\" DROP COLUMN \"rows_through\"");
        c.sql("A").execute("UPDATE \"cv_schema\" SET \"version\" = 2");
        NodeStatus old = Node.status(c.node("A").config(), c.member("A").db()).get();
        assertEquals(1, old.peers().stream().filter(p -> p.peer().equals(C)).findFirst().orElseThrow().changeSetsWaiting(),
            "status reads a version 2 install");

        Node a = c.reopen("A", List.of(TableConfig.of("pers")));
        assertEquals(dev.converge.install.MetadataSchema.CURRENT, count(c, "A", "SELECT \"version\" FROM \"cv_schema\""));
        assertEquals(0, a.backlog(C).rows(), "a ChangeSet sequenced before the upgrade counts no rows");
        c.write("A", "INSERT INTO pers VALUES (2, 'Ana')", "INSERT INTO pers VALUES (3, 'Dan')");
        assertEquals(2, a.backlog(C).rows(), "one sequenced after it counts its rows");
        assertEquals(2, c.deliver("A", "C"), "what waited before the upgrade still ships");
    }
}
