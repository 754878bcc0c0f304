package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * A transaction too large to hold in memory travels in parts and is still applied whole: its net effect is evaluated
 * in the database at the origin ({@link NetSpool}), read and shipped a part at a time, stored part by part at the
 * target and applied there in one database transaction once every part is in. Values are compared in SQL.
 */
class LargeTransactionIT {
    /** Rows the big transaction inserts: more than one part, and more captured rows than a sequencing group holds. */
    private static final int ROWS = 3 * NetSpool.PART_CHANGES + 1_234;

    private static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B"),
            "CREATE TABLE item (id INT PRIMARY KEY, qty INT NOT NULL, label VARCHAR(40))", List.of(TableConfig.of("item")));
    }

    /**
     * One transaction: inserts {@link #ROWS} rows, updates a fifth of them, deletes the last thousand, moves 100 rows to
     * new keys, and inserts and deletes a row again (which nets to nothing).
     */
    private static void bigTransaction(Cluster c, Dialect dialect) {
        String range = dialect == Dialect.H2 ? "SYSTEM_RANGE(1, " + ROWS + ") AS g(x)" : "generate_series(1, " + ROWS + ") AS g(x)";
        c.write("A",
            "INSERT INTO item (id, qty, label) SELECT x, MOD(x, 97), 'row ' || x FROM " + range,
            "UPDATE item SET qty = qty + 1000 WHERE MOD(id, 5) = 0",
            "DELETE FROM item WHERE id > " + (ROWS - 1_000),
            "UPDATE item SET id = id + 1000000 WHERE id <= 100",
            "INSERT INTO item (id, qty, label) VALUES (-1, 0, 'gone')",
            "DELETE FROM item WHERE id = -1");
    }

    @AllDialects
    void aTransactionLargerThanAPartArrivesWholeAndEqual(Dialect dialect) {
        Cluster c = cluster(dialect, "large_tx");
        bigTransaction(c, dialect);
        Recording transport = new Recording(c.transport(), Integer.MAX_VALUE);
        c.node("A").deliverTo(NodeId.of("B"), transport);

        assertTrue(transport.parts >= 4, "the transaction travelled in parts, " + transport.parts + " of them");
        assertTrue(transport.largestBatch <= OutboundQueue.CHANGES_PER_READ,
            "no batch held more than " + OutboundQueue.CHANGES_PER_READ + " changes, the largest held " + transport.largestBatch);
        assertSameInSql(c);
        assertEquals(ROWS - 1_000, count(c, "B"), "every row the transaction left is there, no more");
        assertEquals(0L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_inbox_part\"")).longValue(), "no part is left behind");
    }

    @AllDialects
    void nothingOfItIsVisibleUntilEveryPartIsInAndAnInterruptedDeliveryResumesAtTheNextPart(Dialect dialect) {
        Cluster c = cluster(dialect, "large_tx_resume");
        bigTransaction(c, dialect);
        Recording first = new Recording(c.transport(), 1);
        try {
            c.node("A").deliverTo(NodeId.of("B"), first);
        } catch (PeerUnavailableException expected) {
            // the link failed after the first batch
        }
        assertEquals(0, count(c, "B"), "a transaction is applied whole or not at all: the parts stored so far show nothing");
        long stored = ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_inbox_part\"")).longValue();
        assertTrue(stored >= 1, "the parts of the first batch are stored durably, " + stored + " of them");

        Recording second = new Recording(c.transport(), Integer.MAX_VALUE);
        c.node("A").deliverTo(NodeId.of("B"), second);
        assertEquals(1, second.firstPartSent.get(0), "a new delivery starts with the first part again (the sender keeps no cursor)");
        assertFalse(second.firstPartSent.subList(1, second.firstPartSent.size()).contains(1),
            "and then goes on after the parts the receipt says are stored, not from the start");
        assertSameInSql(c);
    }

    @AllDialects
    void theTargetsOwnWritesMeetTheLargeTransactionAsConflictsRowByRow(Dialect dialect) {
        Cluster c = cluster(dialect, "large_tx_conflict");
        c.write("B", "INSERT INTO item (id, qty, label) VALUES (" + (ROWS - 2_000) + ", 1, 'B was first')");
        c.tick(1_000);
        bigTransaction(c, dialect);
        c.sync();
        assertSameInSql(c);
        assertEquals("row " + (ROWS - 2_000), c.sql("B").scalar("SELECT label FROM item WHERE id = " + (ROWS - 2_000)),
            "the later insert, A's, wins at B too");
        assertEquals(1L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_conflict\" WHERE \"type\" = 'insert-exists'")).longValue(),
            "the row met in a later part is recorded as a conflict like any other");
    }

    @AllDialects
    void anOrderThatCrossesPartsIsSettledAfterTheLastPartAndDeletesComeLast(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "large_tx_order", List.of("A", "B"),
            "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20));"
                + "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent (id) ON DELETE CASCADE, n INT)",
            List.of(TableConfig.of("parent"), TableConfig.of("child")));
        int children = NetSpool.PART_CHANGES + 5_000;
        String range = dialect == Dialect.H2 ? "SYSTEM_RANGE(1, " + children + ") AS g(x)" : "generate_series(1, " + children + ") AS g(x)";
        c.write("A", "INSERT INTO parent (id, name) VALUES (2, 'old')");
        // children first, without a parent; then the parent; then the children point at it: the children's net inserts
        // come first in apply order, the parent's in a later part. Then the old parent goes, after its children moved.
        c.write("A",
            "INSERT INTO child (id, parent_id, n) SELECT x, NULL, x FROM " + range,
            "INSERT INTO parent (id, name) VALUES (1, 'new')",
            "UPDATE child SET parent_id = 1",
            "INSERT INTO child (id, parent_id, n) VALUES (0, 2, 0)",
            "UPDATE child SET parent_id = 1 WHERE id = 0",
            "DELETE FROM parent WHERE id = 2");
        c.deliver("A", "B");
        assertEquals(0L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_conflict\"")).longValue(),
            "a transaction valid at its origin applies without a conflict, whatever part its rows travel in");
        assertEquals((long) children + 1, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM child WHERE parent_id = 1")).longValue(),
            "every child is there, under the new parent (none was cascaded away by the old parent's delete)");
        assertEquals(0L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM parent WHERE id = 2")).longValue(), "the old parent is gone");
    }

    @AllDialects
    void partsThatDisagreeOnTheirCountAreRefusedAndStoreNothing(Dialect dialect) {
        Cluster c = cluster(dialect, "large_tx_forged");
        c.write("A", "INSERT INTO item (id, qty, label) VALUES (1, 1, 'a')", "INSERT INTO item (id, qty, label) VALUES (2, 2, 'b')");
        ChangeSet whole = c.node("A").outboundFor(NodeId.of("B"), 1).get(0);
        ChangeSet first = whole.asPart(1, 2, whole.changes().subList(0, 1));
        ChangeSet forged = whole.asPart(2, 3, whole.changes().subList(1, 2));
        NodeId a = NodeId.of("A");
        org.junit.jupiter.api.Assertions.assertThrows(dev.converge.model.MalformedChangeSetException.class,
            () -> c.node("B").receive(a, List.of(first, forged)), "one batch whose parts disagree is refused whole");
        assertEquals(0L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_inbox_part\"")).longValue(), "nothing of it is stored");
        c.node("B").receive(a, List.of(first));
        org.junit.jupiter.api.Assertions.assertThrows(dev.converge.model.MalformedChangeSetException.class,
            () -> c.node("B").receive(a, List.of(forged)), "a later part that disagrees with the stored ones is refused");
        assertEquals(1L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_inbox_part\"")).longValue(), "only the first part is stored");
        assertEquals(0, count(c, "B"), "and nothing is applied");
        c.sync();
        assertSameInSql(c);
    }

    /**
     * A transaction in parts that deletes a parent while another peer concurrently added a child of it: after the last
     * part the foreign-key conflict is decided as in a whole ChangeSet (the later write wins), not parked; under {@code
     * onDelete}, the child being written before ({@code childFirst}) or after the delete.
     */
    private static void parentDeletedInParts(Dialect dialect, String name, String onDelete, boolean childFirst) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"),
            "CREATE TABLE f (id INT PRIMARY KEY, name VARCHAR(40));"
                + "CREATE TABLE p (cod INT PRIMARY KEY, f_id INT REFERENCES f (id) ON DELETE " + onDelete + ", den VARCHAR(40))",
            List.of(TableConfig.of("f"), TableConfig.of("p")));
        c.write("A", "INSERT INTO f VALUES (1, 'Unelte SRL')", "INSERT INTO f VALUES (12, 'Scule SRL')");
        c.sync();
        c.tick(60_000);
        int rows = NetSpool.PART_CHANGES + 500;
        String range = dialect == Dialect.H2 ? "SYSTEM_RANGE(1, " + rows + ") AS g(x)" : "generate_series(1, " + rows + ") AS g(x)";
        if (childFirst) {
            c.write("B", "INSERT INTO p VALUES (0, 12, 'Ciocan')");
            c.tick(1000);
        }
        c.write("A", "INSERT INTO p (cod, f_id, den) SELECT x, 1, 'p' || x FROM " + range, "DELETE FROM f WHERE id = 12");
        if (!childFirst) {
            c.tick(1000);
            c.write("B", "INSERT INTO p VALUES (0, 12, 'Ciocan')");
        }
        c.sync();
        long expected = childFirst ? 0 : 1;
        for (String node : List.of("A", "B")) {
            assertEquals(expected, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM f WHERE id = 12")).longValue(),
                "supplier 12 at " + node + " (the later write wins)");
            assertEquals(expected, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM p WHERE cod = 0")).longValue(),
                "the concurrent product at " + node);
            assertEquals((long) rows, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM p WHERE f_id = 1")).longValue(),
                "the large transaction's products at " + node);
            assertEquals(0L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM \"cv_conflict\" WHERE \"outcome\" = 'parked'")).longValue(),
                "nothing parked at " + node);
        }
    }

    @AllDialects
    void aParentDeletedInPartsTakesAnEarlierConcurrentChildWithItUnderARestrictingKey(Dialect dialect) {
        parentDeletedInParts(dialect, "large_tx_fk_restrict", "RESTRICT", true);
    }

    @AllDialects
    void aParentDeletedInPartsDoesNotCascadeOverALaterConcurrentChild(Dialect dialect) {
        parentDeletedInParts(dialect, "large_tx_fk_cascade", "CASCADE", false);
    }

    private static long count(Cluster c, String node) {
        return ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM item")).longValue();
    }

    /** Both nodes hold the same rows: every column compared by the database, not through Java conversions. */
    private static void assertSameInSql(Cluster c) {
        String q = "SELECT CAST(id AS VARCHAR(20)) || ':' || CAST(qty AS VARCHAR(20)) || ':' || COALESCE(label, '~') AS r FROM item ORDER BY id";
        List<Object> a = c.sql("A").query(q).stream().map(r -> r.values().iterator().next()).toList();
        List<Object> b = c.sql("B").query(q).stream().map(r -> r.values().iterator().next()).toList();
        assertEquals(a.size(), b.size(), "A and B hold as many rows");
        assertEquals(a, b, "A and B hold the same rows");
    }

    /** Passes batches on, counting parts; after {@code batches} batches the link fails. */
    private static final class Recording implements Transport {
        private final Transport inner;
        private int batchesLeft;
        int parts;
        int largestBatch;
        final List<Integer> firstPartSent = new ArrayList<>();

        Recording(Transport inner, int batches) {
            this.inner = inner;
            this.batchesLeft = batches;
        }

        @Override
        public Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
            if (batchesLeft-- <= 0) {
                throw new PeerUnavailableException(to, "link cut by the test", null);
            }
            parts += (int) batch.stream().filter(cs -> cs.part().isPresent()).count();
            largestBatch = Math.max(largestBatch, batch.stream().mapToInt(cs -> cs.changes().size()).sum());
            batch.stream().flatMap(cs -> cs.part().stream()).findFirst().ifPresent(p -> firstPartSent.add(p.index()));
            return inner.send(from, to, batch);
        }
    }
}
