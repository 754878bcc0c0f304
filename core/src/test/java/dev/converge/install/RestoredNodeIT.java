package dev.converge.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.queue.SequenceCatchUp;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Backup;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.LogCapture;
import java.util.List;

/**
 * A node whose database is restored from a backup has forgotten the sequence numbers it gave out after the backup,
 * but its peers have not: its new changes must not reuse those numbers, or the peers would drop them as applied.
 */
class RestoredNodeIT {
    static final NodeId B = NodeId.of("B");
    static final NodeId C = NodeId.of("C");

    @AllDialects
    void aRestoredNodesNewChangesReachPeersThatSawMoreOfItsOldOnes(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "restored", List.of("A", "B", "C"), "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(10))",
            List.of(TableConfig.of("t")));
        c.write("A", "INSERT INTO t VALUES (1, 'one')");
        c.sync();
        Backup backup = Backup.take(dialect, c.sql("A"));
        c.write("A", "INSERT INTO t VALUES (2, 'two')");
        c.write("A", "INSERT INTO t VALUES (3, 'three')");
        c.deliver("A", "B"); // B has seen A's sequences 1 to 3, C only 1

        backup.restore();
        c.reopen("A", List.of(TableConfig.of("t")));
        c.write("A", "INSERT INTO t VALUES (4, 'four')");
        List<ChangeSet> queued = c.node("A").outboundFor(B, 10);
        assertEquals(List.of(2L), queued.stream().map(ChangeSet::sequence).toList(), "The restored node numbers its new change 2 again.");

        List<String> log;
        try (LogCapture capture = LogCapture.of(SequenceCatchUp.class)) {
            c.deliver("A", "B");
            log = capture.messages();
        }
        assertTrue(log.stream().anyMatch(m -> m.startsWith("WARN") && m.contains("restored") && m.contains("3")),
            "The node logs that a peer has seen more of its sequence than it issued: " + log);
        assertEquals(List.of(1, 2, 3, 4), keys(c.rows("B", "t")), "B, which had seen A's sequence 2 and 3, receives the new change.");

        c.deliver("A", "C");
        assertEquals(List.of(1, 4), keys(c.rows("C", "t")), "C, which had seen only sequence 1, receives it too.");

        c.write("A", "UPDATE t SET v = 'FOUR' WHERE k = 4");
        c.sync();
        for (String id : List.of("A", "B", "C")) {
            assertEquals("FOUR", c.rows(id, "t").stream().filter(r -> ((Number) r.get("k")).intValue() == 4).findFirst().orElseThrow()
                .get("v"), id + " has A's later change too.");
        }
        assertEquals(List.of(), c.node("A").outboundFor(B, 10), "B acknowledged everything.");
        assertEquals(List.of(), c.node("A").outboundFor(C, 10), "C acknowledged everything.");
    }

    private static List<Integer> keys(List<RowImage> rows) {
        return rows.stream().map(r -> ((Number) r.get("k")).intValue()).toList();
    }
}
