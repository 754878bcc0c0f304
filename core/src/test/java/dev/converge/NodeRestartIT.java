package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.util.List;
import javax.sql.DataSource;

/** A node that is closed and opened again on the same database carries on where it stopped. */
class NodeRestartIT {
    private static final NodeId B = NodeId.of("B");

    @AllDialects
    void sequencesAndTheHybridClockSurviveARestart(Dialect dialect) {
        DataSource db = TestDatabases.fresh(dialect, "restart");
        Sql.on(db).execute("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
        NodeConfig config = NodeConfig.builder("A").peer("B").table("t").build();
        ManualTimeSource clock = new ManualTimeSource(Cluster.NOON + 60_000);
        Node first = Node.open(config, db, clock);
        Sql.on(db).execute("INSERT INTO t VALUES (1, 1)");
        List<ChangeSet> before = first.outboundFor(B, 10);
        first.close();

        // the machine's clock went back ten minutes while the node was down
        ManualTimeSource behind = new ManualTimeSource(Cluster.NOON - 600_000);
        Node second = Node.open(config, db, behind);
        Sql.on(db).execute("INSERT INTO t VALUES (2, 2)");
        List<ChangeSet> after = second.outboundFor(B, 10);

        assertEquals(1, before.size());
        assertEquals(2, after.size(), "the unacknowledged first ChangeSet is still queued, and the new one follows it");
        assertEquals(1L, after.get(0).sequence());
        assertEquals(2L, after.get(1).sequence(), "sequencing continues without a gap or a repeat after the restart");
        HybridTimestamp first1 = before.get(0).timestamp();
        assertTrue(after.get(1).timestamp().compareTo(first1) > 0,
            "a write after the restart is stamped later than every earlier one, though the wall clock went back: "
                + after.get(1).timestamp() + " vs " + first1);
    }

    @AllDialects
    void reopeningForAnotherNodeIdIsRefused(Dialect dialect) {
        DataSource db = TestDatabases.fresh(dialect, "otherid");
        Sql.on(db).execute("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
        Node.open(NodeConfig.builder("A").peer("B").table("t").build(), db, new ManualTimeSource(Cluster.NOON));
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
            () -> Node.open(NodeConfig.builder("C").peer("B").table("t").build(), db, new ManualTimeSource(Cluster.NOON)));
        assertTrue(e.getMessage().contains("installed for node A"), "the message says which node owns the database: " + e.getMessage());
    }
}
