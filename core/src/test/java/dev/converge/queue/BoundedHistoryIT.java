package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bookkeeping stays bounded while history grows: through many rounds of writes on three peers, each exchanged and
 * acknowledged, the outbox, the sequence rows, the applied log, the inbox and the tombstones never hold more than a
 * few rounds' worth of rows — while replication, the dependencies of new ChangeSets and conflict detection stay exact.
 */
class BoundedHistoryIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final int ROUNDS = 24;
    /** The bookkeeping tables counted, with the condition that selects what is counted. */
    static final Map<String, String> COUNTED = new LinkedHashMap<>();

    static {
        COUNTED.put("outbox", "SELECT COUNT(*) FROM \"cv_outbox\"");
        COUNTED.put("outbox_tx", "SELECT COUNT(*) FROM \"cv_outbox_tx\"");
        COUNTED.put("applied_log", "SELECT COUNT(*) FROM \"cv_applied_log\"");
        COUNTED.put("inbox", "SELECT COUNT(*) FROM \"cv_inbox\"");
        COUNTED.put("tombstones", "SELECT COUNT(*) FROM \"cv_shadow_pers\" WHERE \"cv_deleted\" = TRUE");
        COUNTED.put("shadow", "SELECT COUNT(*) FROM \"cv_shadow_pers\"");
        COUNTED.put("marks", "SELECT COUNT(*) FROM \"cv_purge_mark\"");
    }

    static Cluster cluster(Dialect dialect, String name) {
        // a short grace, so that tombstones go both by the grace's window and by their origin's sequence
        return Cluster.of(dialect, name, List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")),
            b -> b.purgeGrace(Duration.ofSeconds(5)));
    }

    static long count(Cluster c, String node, String sql) {
        return ((Number) c.sql(node).scalar(sql)).longValue();
    }

    /**
     * Each round every peer inserts a row, deletes the one it inserted two rounds ago and updates the row another peer
     * inserted the round before (a causal write: never a conflict); every fifth round A and B also update row 1 at the
     * same time (a true conflict, detected once at each peer). Then everything is delivered and acknowledged.
     */
    @AllDialects
    void bookkeepingStaysBoundedWhileReplicationDependenciesAndConflictsStayExact(Dialect dialect) {
        Cluster c = cluster(dialect, "bounded");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();
        Map<String, String> base = Map.of("A", "1000", "B", "2000", "C", "3000");
        Map<String, String> next = Map.of("A", "B", "B", "C", "C", "A");
        List<Map<String, Map<String, Long>>> counts = new ArrayList<>();
        int contested = 0;
        for (int r = 1; r <= ROUNDS; r++) {
            c.tick(1000);
            for (String id : c.ids()) {
                int mine = Integer.parseInt(base.get(id)) + r;
                int other = Integer.parseInt(base.get(next.get(id))) + r - 1;
                c.write(id, "INSERT INTO pers VALUES (" + mine + ", 'new', 'AB')",
                    "DELETE FROM pers WHERE marca = " + (mine - 2),
                    "UPDATE pers SET nume = 'by " + id + " " + r + "' WHERE marca = " + other);
            }
            if (r % 5 == 0) {
                c.write("A", "UPDATE pers SET nume = 'A " + r + "' WHERE marca = 1");
                c.write("B", "UPDATE pers SET nume = 'B " + r + "' WHERE marca = 1");
                contested++;
            }
            c.sync();
            Map<String, Map<String, Long>> round = new TreeMap<>();
            for (String id : c.ids()) {
                Map<String, Long> n = new LinkedHashMap<>();
                COUNTED.forEach((what, sql) -> n.put(what, count(c, id, sql)));
                round.put(id, n);
            }
            counts.add(round);
        }

        for (String id : c.ids()) {
            assertEquals(c.data("A"), c.data(id), id + " converged with A.");
            List<ConflictRecord> conflicts = c.node(id).conflicts();
            assertEquals(contested, conflicts.size(), id + " detected each concurrent update of row 1 once, and nothing else: " + conflicts);
            for (ConflictRecord r : conflicts) {
                assertEquals(ConflictType.UPDATE_CHANGED_ROW, r.type(), id + ": " + r);
                assertEquals(1, ((Number) r.key().orElseThrow().values().get("marca")).intValue(), id + ": " + r);
            }
            long applied = count(c, id, "SELECT \"applied_n\" FROM \"cv_clock\"");
            assertTrue(applied >= 2 * ROUNDS, id + " applied " + applied + " ChangeSets: the history is long.");
        }

        // after every round, whatever the length of the history so far, each table stays within a bound that depends on
        // the traffic of a few rounds only
        Map<String, Long> bound = new LinkedHashMap<>();
        bound.put("outbox", 0L); // every captured row was acknowledged by every peer and is gone
        bound.put("outbox_tx", 1L); // only the last sequence row stays: the next sequence follows it
        bound.put("applied_log", 2L * (History.APPLIES_PER_TRIM + 2) + 2); // two trims' worth above the floor, a summary per origin below
        bound.put("inbox", 0L); // nothing waits
        bound.put("tombstones", 3L * 7); // three deletes a round: the 5 s grace keeps five rounds, the rule about two more
        bound.put("shadow", 3L * 7 + 7); // the tombstones and the live rows' versions (row 1 and two rows per peer)
        bound.put("marks", 8L); // per table and origin, and a few more
        for (int r = 0; r < ROUNDS; r++) {
            for (String id : c.ids()) {
                Map<String, Long> n = counts.get(r).get(id);
                for (Map.Entry<String, Long> b : bound.entrySet()) {
                    assertTrue(n.get(b.getKey()) <= b.getValue(), id + "'s " + b.getKey() + " holds " + n.get(b.getKey()) + " rows after round "
                        + (r + 1) + ", more than " + b.getValue() + ": " + counts);
                }
            }
        }

        // dependencies stay exact after trimming: a new ChangeSet of B depends on exactly what B has applied
        c.tick(1000);
        c.write("B", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        ChangeSet latest = c.node("B").outboundFor(NodeId.of("C"), 100).get(0);
        Map<NodeId, Long> applied = new TreeMap<>();
        c.sql("B").query("SELECT \"origin\", \"seq\" FROM \"cv_applied\"")
            .forEach(row -> applied.put(NodeId.of((String) row.get("origin")), ((Number) row.get("seq")).longValue()));
        assertEquals(applied, latest.dependencies(), "B's new ChangeSet depends on everything B applied, and no more.");
        c.sync();
        for (String id : c.ids()) {
            assertEquals(contested, c.node(id).conflicts().size(), "B's causal update of row 1 is no conflict at " + id + ".");
            assertEquals(c.data("A"), c.data(id), id + " converged with A.");
        }
    }

    /**
     * A transaction at B stays open while B applies many ChangeSets and trims its applied log past what the
     * transaction was captured with; when it commits it depends on the log's summary (more than it saw, never less),
     * and it replicates like any other, without a conflict.
     */
    @AllDialects
    void aTransactionOpenWhileTheLogIsTrimmedStillReplicates(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "bounded_open");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();
        try (Connection open = c.member("B").db().getConnection()) {
            open.setAutoCommit(false);
            c.node("B").publishWallClock();
            try (Statement s = open.createStatement()) {
                s.execute("INSERT INTO pers VALUES (2000, 'open', 'AB')");
            }
            for (int r = 1; r <= 10; r++) {
                c.tick(1000);
                c.write("A", "UPDATE pers SET nume = 'A " + r + "' WHERE marca = 1");
                c.write("C", "INSERT INTO pers VALUES (" + (3000 + r) + ", 'C', 'AB')");
                c.deliver("A", "B");
                c.deliver("C", "B");
            }
            // captured when B had applied one ChangeSet; B has applied 21 since and trimmed its log at least twice
            long early = count(c, "B", "SELECT COUNT(*) FROM \"cv_applied_log\" WHERE \"applied_n\" <= " + History.APPLIES_PER_TRIM);
            assertTrue(early <= 2, "B summarised its applied log past the open transaction's applied count: " + early + " early entries left");
            open.commit();
        }
        c.tick(1000);
        List<ChangeSet> fromB = c.node("B").outboundFor(NodeId.of("C"), 100);
        ChangeSet open = fromB.get(fromB.size() - 1);
        long aSeen = open.dependencies().getOrDefault(NodeId.of("A"), 0L);
        assertTrue(aSeen >= 1 && aSeen <= 11, "The open transaction depends on at least A's insert it had seen, at most on what B applied: "
            + open.dependencies());
        c.sync();
        for (String id : c.ids()) {
            assertEquals(c.data("A"), c.data(id), id + " converged with A.");
            assertTrue(c.node(id).conflicts().isEmpty(), "No conflict at " + id + ": " + c.node(id).conflicts());
        }
        assertTrue(c.rows("C", "pers").stream().anyMatch(r -> ((Number) r.get("marca")).intValue() == 2000), "C holds B's row.");
    }

    /**
     * A version that names its local transaction instead of the sequence (as installs wrote them before versions were
     * written at sequencing) is given the sequence by the first purge, before the transaction's sequence row is
     * trimmed: a later causal write from a peer is still judged causal, not a conflict.
     */
    @AllDialects
    void aVersionNamingItsLocalTransactionGetsTheSequenceBeforeTheSequenceRowGoes(Dialect dialect) {
        Cluster c = cluster(dialect, "bounded_legacy");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.node("A").outboundFor(NodeId.of("B"), 10); // sequences it
        String tx = (String) c.sql("A").scalar("SELECT \"tx_key\" FROM \"cv_outbox_tx\" WHERE \"seq\" = 1");
        assertEquals(1, c.sql("A").update("UPDATE \"cv_shadow_pers\" SET \"cv_seq\" = NULL, \"cv_tx\" = ? WHERE marca = 1", tx));
        c.sync();
        c.write("A", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.sync();
        assertEquals(0L, count(c, "A", "SELECT COUNT(*) FROM \"cv_outbox_tx\" WHERE \"seq\" = 1"), "A's first sequence row is trimmed.");
        Map<String, Object> version = c.sql("A").query("SELECT \"cv_seq\", \"cv_tx\" FROM \"cv_shadow_pers\" WHERE marca = 1").get(0);
        assertEquals(1L, ((Number) version.get("cv_seq")).longValue(), "The version carries its sequence now: " + version);
        assertEquals(null, version.get("cv_tx"), "and no longer names the transaction: " + version);

        c.tick(1000);
        c.write("B", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.sync();
        for (String id : c.ids()) {
            assertTrue(c.node(id).conflicts().isEmpty(), "B's update follows A's insert: no conflict at " + id + ": " + c.node(id).conflicts());
            assertEquals(c.data("A"), c.data(id), id + " converged with A.");
        }
    }
}
