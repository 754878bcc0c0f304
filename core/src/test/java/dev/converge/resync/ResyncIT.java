package dev.converge.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * {@code resync --from PEER} in one process: a node loads a peer's snapshot and replication goes on from exactly its
 * position — nothing lost, nothing applied twice — while the peers keep writing. Values are compared in SQL.
 */
class ResyncIT {
    static final String SCHEMA = """
        CREATE TABLE supplier (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
        CREATE TABLE product (id INT PRIMARY KEY, supplier_id INT NOT NULL REFERENCES supplier(id), name VARCHAR(40), qty INT)""";
    // children listed first: the load order must come from the foreign keys, not from the configuration
    static final List<TableConfig> TABLES = List.of(TableConfig.of("product"), TableConfig.of("supplier"));
    static final NodeId A = NodeId.of("A");

    @AllDialects
    void anEmptyNodeLoadsAPeersSnapshotWhileThePeersWriteAndThenReplicatesFromItsPosition(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "resync_empty", List.of("A", "B", "C"), SCHEMA, TABLES);
        for (int i = 1; i <= 30; i++) {
            c.write("A", "INSERT INTO supplier VALUES (" + i + ", 'S" + i + "')");
        }
        c.deliver("A", "B");
        for (int i = 1; i <= 30; i++) {
            c.write(i % 2 == 0 ? "A" : "B", "INSERT INTO product VALUES (" + i + ", " + (i % 2 == 0 ? i : 1) + ", 'P" + i + "', 0)");
        }
        c.deliver("A", "B");
        c.deliver("B", "A");
        c.write("A", "DELETE FROM product WHERE id = 4", "DELETE FROM supplier WHERE id = 4");
        c.write("B", "UPDATE product SET qty = qty + 5 WHERE id = 3");
        c.deliver("B", "A");
        // A holds everything but B's latest, which B has not sent; C has nothing at all

        try (SnapshotSource snapshot = c.node("A").openSnapshot()) {
            // the peers keep writing while C loads: after the snapshot began, not in it
            c.tick(10);
            c.write("A", "UPDATE product SET name = 'after' WHERE id = 2");
            c.write("B", "INSERT INTO product VALUES (100, 1, 'late', 1)");
            ResyncReport report = c.node("C").resync(snapshot, ResyncProgress.NONE);
            assertEquals(A, report.source());
            assertEquals(0, report.conflicts(), "An empty node has nothing to conflict with: " + c.node("C").conflicts());
            assertEquals(58L, count(c, "C", "SELECT count(*) FROM product") + count(c, "C", "SELECT count(*) FROM supplier"),
                "C holds A's rows as of the snapshot (29 suppliers, 29 products), not what A wrote after it.");
            assertEquals("P2", c.sql("C").scalar("SELECT name FROM product WHERE id = 2"), "A's later update is not in the snapshot.");
        }
        c.sync();
        for (String id : List.of("A", "B", "C")) {
            assertEquals(30L, count(c, id, "SELECT count(*) FROM product"), id + ": 29 products of the snapshot and B's late one");
            assertEquals("after", c.sql(id).scalar("SELECT name FROM product WHERE id = 2"), id);
            assertEquals(5L, count(c, id, "SELECT qty FROM product WHERE id = 3"), id + ": B's increment counted once");
            assertEquals(0L, count(c, id, "SELECT count(*) FROM supplier WHERE id = 4"), id + ": the delete holds");
        }
        assertEquals(c.data("A"), c.data("C"), "C converged with A");
        assertEquals(c.data("A"), c.data("B"), "B converged with A");
        assertTrue(c.node("C").conflicts().isEmpty(), "Nothing arrived twice as a conflict at C: " + c.node("C").conflicts());
    }

    /**
     * A node that runs while it loads (deliveries arriving from another thread) refuses them until the load ends —
     * told to come back, nothing of them stored — and takes them afterwards; its own application's writes made during
     * the load replicate as usual, and all converge.
     */
    @AllDialects
    void aRunningNodeRefusesDeliveriesWhileItLoadsAndTakesThemAfterwards(Dialect dialect) throws Exception {
        Cluster c = Cluster.of(dialect, "resync_running", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')", "INSERT INTO product VALUES (1, 1, 'one', 0)");
        c.deliver("A", "B");
        c.write("B", "INSERT INTO product VALUES (2, 1, 'from B', 0)");
        List<Throwable> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SnapshotSource snapshot = c.node("A").openSnapshot()) {
            SnapshotFeed feed = new SnapshotFeed() {
                @Override
                public SnapshotHeader header() {
                    return snapshot.header();
                }

                @Override
                public SnapshotPage rows(String table, java.util.Optional<dev.converge.model.RowKey> after, int limit) {
                    // mid-load: B delivers from its own thread, and C's application writes
                    Thread delivering = new Thread(() -> {
                        try {
                            c.deliver("B", "C");
                        } catch (RuntimeException e) {
                            refused.add(e);
                        }
                    });
                    delivering.start();
                    try {
                        delivering.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return snapshot.rows(table, after, limit);
                }

                @Override
                public SnapshotPage tombstones(String table, java.util.Optional<dev.converge.model.RowKey> after, int limit) {
                    return snapshot.tombstones(table, after, limit);
                }

                @Override
                public java.util.Set<dev.converge.model.RowKey> known(String table, List<dev.converge.model.RowKey> keys) {
                    return snapshot.known(table, keys);
                }

                @Override
                public List<dev.converge.model.ChangeSet> inbox(java.util.Optional<NodeId> afterOrigin, long afterSequence, int limit) {
                    return snapshot.inbox(afterOrigin, afterSequence, limit);
                }
            };
            c.write("C", "INSERT INTO supplier VALUES (3, 'written at C during the load')");
            c.node("C").resync(feed, ResyncProgress.NONE);
        }
        assertTrue(!refused.isEmpty(), "B's delivery during the load is refused");
        assertTrue(refused.stream().allMatch(e -> e instanceof dev.converge.transport.PeerUnavailableException
                && e.getMessage().contains("loading a snapshot of A")),
            "and told why, to come back: " + refused);
        assertEquals(0L, count(c, "C", "SELECT count(*) FROM product WHERE id = 2"), "nothing of the refused delivery was applied");
        c.sync();
        assertEquals(c.data("A"), c.data("C"), "C converged with A");
        assertEquals(c.data("A"), c.data("B"), "B converged with A");
        assertEquals("from B", c.sql("C").scalar("SELECT name FROM product WHERE id = 2"), "B's write reached C after the load");
        assertEquals(1L, count(c, "A", "SELECT count(*) FROM supplier WHERE id = 3"), "C's own write made during the load replicated");
    }

    @AllDialects
    void aRowTheTargetChangedConcurrentlyIsDecidedByTheResolverAndRecorded(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "resync_conc", List.of("A", "B"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')", "INSERT INTO product VALUES (1, 1, 'one', 0)",
            "INSERT INTO product VALUES (2, 1, 'two', 0)");
        c.sync();
        c.write("B", "UPDATE product SET name = 'B-earlier' WHERE id = 1");
        c.write("B", "UPDATE product SET name = 'B-only' WHERE id = 2");
        c.tick(1000);
        c.write("A", "UPDATE product SET name = 'A-later' WHERE id = 1");
        // B never sent its updates; it resyncs from A
        try (SnapshotSource snapshot = c.node("A").openSnapshot()) {
            ResyncReport report = c.node("B").resync(snapshot, ResyncProgress.NONE);
            assertEquals(1, report.resolved(), "One row was changed on both sides: " + report);
        }
        assertEquals("A-later", c.sql("B").scalar("SELECT name FROM product WHERE id = 1"), "The later write wins, as timestamp decides.");
        assertEquals("B-only", c.sql("B").scalar("SELECT name FROM product WHERE id = 2"), "B's own unsent change stays.");
        List<ConflictRecord> atB = c.node("B").conflicts();
        assertEquals(1, atB.size(), "The concurrent row is recorded: " + atB);
        assertEquals(ConflictType.UPDATE_CHANGED_ROW, atB.get(0).type());
        c.sync();
        assertEquals(c.data("A"), c.data("B"), "Both converge once B's own changes arrive at A.");
        assertEquals("B-only", c.sql("A").scalar("SELECT name FROM product WHERE id = 2"));
    }

    @AllDialects
    void aResyncRunTwiceChangesNothingTheSecondTime(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "resync_twice", List.of("A", "B"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')", "INSERT INTO product VALUES (1, 1, 'one', 0)");
        c.write("A", "DELETE FROM product WHERE id = 1");
        for (int run = 1; run <= 2; run++) {
            try (SnapshotSource snapshot = c.node("A").openSnapshot()) {
                ResyncReport report = c.node("B").resync(snapshot, ResyncProgress.NONE);
                if (run == 2) {
                    assertEquals(0, report.taken(), "Everything was taken the first time: " + report);
                }
            }
        }
        c.sync();
        assertEquals(c.data("A"), c.data("B"));
        assertTrue(c.node("B").conflicts().isEmpty(), "A's ChangeSets delivered after the resync are recognised as applied: "
            + c.node("B").conflicts());
    }

    @AllDialects
    void aSurvivorTakesOverADepartedPeersWritesThatReachedOnlyAnother(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "resync_departed", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.write("A", "INSERT INTO product VALUES (1, 1, 'from A', 0)");
        c.deliver("A", "B"); // A's writes reach B only; then A is gone for good
        c.write("B", "UPDATE product SET qty = 7 WHERE id = 1"); // depends on A's insert
        c.deliver("B", "C");
        assertEquals(0L, count(c, "C", "SELECT count(*) FROM product"), "B's update waits at C for A's insert, which never comes");

        try (SnapshotSource snapshot = c.node("B").openSnapshot()) {
            ResyncReport report = c.node("C").resync(snapshot, ResyncProgress.NONE);
            assertTrue(report.moved().contains(A), "C's watermark for A rose to B's: " + report);
        }
        assertEquals(7L, count(c, "C", "SELECT qty FROM product WHERE id = 1"), "C holds A's rows and B's update of them");
        c.write("B", "UPDATE product SET name = 'later' WHERE id = 1");
        c.deliver("B", "C");
        c.deliver("C", "B");
        assertEquals("later", c.sql("C").scalar("SELECT name FROM product WHERE id = 1"), "B's later ChangeSets apply at C as usual");
        assertEquals(c.data("B"), c.data("C"));
        assertTrue(c.node("C").conflicts().isEmpty(), "" + c.node("C").conflicts());
    }

    private static long count(Cluster c, String id, String sql) {
        return ((Number) c.sql(id).scalar(sql)).longValue();
    }
}
