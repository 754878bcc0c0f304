package dev.converge.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;

/**
 * A node whose wall clock is five minutes behind still stamps a write it makes after receiving a peer's change later
 * than that change (hybrid logical clock), so its causally later write wins on every node.
 */
class SkewedClockIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final long MINUTE = 60_000;

    /** A, B and C hold row 1; A updates it at 12:01 and only B receives that; B's clock reads 11:56. */
    static Cluster receivedBySkewedNode(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();
        c.tick(MINUTE);
        c.write("A", "UPDATE pers SET nume = 'from A' WHERE marca = 1");
        c.member("B").clock().set(Cluster.NOON + MINUTE - 5 * MINUTE);
        assertEquals(1, c.deliver("A", "B"), "B receives A's update.");
        return c;
    }

    static ChangeSet last(Cluster c, String from, String to) {
        List<ChangeSet> queued = c.node(from).outboundFor(NodeId.of(to), 100);
        return queued.get(queued.size() - 1);
    }

    static void assertEveryNodeHolds(Cluster c, RowImage expected) {
        for (String id : c.ids()) {
            List<RowImage> rows = c.rows(id, "pers");
            assertEquals(1, rows.size(), id + " holds one row: " + rows);
            assertTrue(rows.get(0).sameAs(expected), id + " holds the skewed node's value " + expected + ", not " + rows.get(0) + ".");
        }
    }

    @AllDialects
    void theSkewedNodesLaterUpdateWinsEverywhere(Dialect dialect) {
        Cluster c = receivedBySkewedNode(dialect, "skew_update");
        ChangeSet fromA = last(c, "A", "C");
        c.write("B", "UPDATE pers SET nume = 'from B' WHERE marca = 1");
        ChangeSet fromB = last(c, "B", "C");

        HybridTimestamp received = fromA.changes().get(0).timestamp();
        HybridTimestamp stamped = fromB.changes().get(0).timestamp();
        assertEquals(Cluster.NOON + MINUTE, received.physicalMillis(), "A stamped its update with its own clock, 12:01.");
        assertTrue(stamped.compareTo(received) > 0, "B's update (" + stamped + ") is stamped later than the update it received (" + received + ").");
        assertTrue(stamped.physicalMillis() > Cluster.NOON - 4 * MINUTE,
            "B's stamp did not follow its wall clock back to 11:56: " + stamped);

        c.deliver("B", "C");
        c.sync();
        assertEveryNodeHolds(c, RowImage.of(Map.of("marca", 1, "nume", "from B", "jud", "MS")));
        for (String id : c.ids()) {
            assertTrue(c.node(id).conflicts().isEmpty(), "B's update follows A's causally: no conflict at " + id + ": " + c.node(id).conflicts());
        }
    }

    @AllDialects
    void theSkewedNodesUpdateBeatsAConcurrentUpdateStampedAtTheSameWallTime(Dialect dialect) {
        Cluster c = receivedBySkewedNode(dialect, "skew_conflict");
        c.write("B", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        HybridTimestamp atB = last(c, "B", "C").timestamp();
        c.write("C", "UPDATE pers SET jud = 'BV' WHERE marca = 1");
        HybridTimestamp atC = last(c, "C", "B").timestamp();
        assertEquals(Cluster.NOON + MINUTE, atC.physicalMillis(), "C, whose clock is right, stamps 12:01.");
        assertTrue(atB.compareTo(atC) > 0, "B, having seen A's 12:01 update, stamps after C's 12:01 write that never saw it: "
            + atB + " vs " + atC);

        c.sync();
        assertEveryNodeHolds(c, RowImage.of(Map.of("marca", 1, "nume", "from A", "jud", "CJ")));
    }
}
