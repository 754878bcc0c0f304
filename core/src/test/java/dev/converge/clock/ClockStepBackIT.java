package dev.converge.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node whose wall clock is stepped back (as NTP does) between two of its own writes still stamps the second one
 * later than the first, so a concurrent write on another peer cannot slip between them in the timestamp order: A
 * updates k at 12:00:10, its clock goes back 8 s, A updates k again at "12:00:02"; B updates k at 12:00:05. The second
 * write of A follows its first in A's order, so it must win on both peers. Stamping each write with
 * {@code max(wall, floor + 1)} at capture, with the floor raised only when a transaction was sequenced, stamped A's
 * second write 12:00:02: B then kept A's second value while A took B's, forever.
 */
class ClockStepBackIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final long SECOND = 1000;

    @AllDialects
    void aWriteAfterTheClockSteppedBackStillFollowsTheNodesEarlierWrite(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "step_back", List.of("A", "B"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();

        c.member("A").clock().set(Cluster.NOON + 10 * SECOND);
        c.write("A", "UPDATE pers SET nume = 'A first' WHERE marca = 1");
        c.member("A").clock().set(Cluster.NOON + 2 * SECOND); // NTP steps A's clock back 8 s
        c.write("A", "UPDATE pers SET nume = 'A second' WHERE marca = 1");
        c.member("B").clock().set(Cluster.NOON + 5 * SECOND);
        c.write("B", "UPDATE pers SET nume = 'B' WHERE marca = 1");

        List<ChangeSet> fromA = c.node("A").outboundFor(NodeId.of("B"), 10);
        c.sync();

        Map<String, Object> held = new TreeMap<>();
        for (String id : c.ids()) {
            held.put(id, c.sql(id).scalar("SELECT nume FROM pers WHERE marca = 1"));
        }
        assertEquals(Map.of("A", "A second", "B", "A second"), held,
            "Both peers hold A's second value: A wrote it after its first, which beat B's concurrent write.");
        assertEquals(2, fromA.size(), "A queued its two updates: " + fromA);
        assertTrue(fromA.get(1).timestamp().compareTo(fromA.get(0).timestamp()) > 0,
            "A's second update is stamped after its first: " + fromA.get(1).timestamp() + " vs " + fromA.get(0).timestamp());
    }
}
