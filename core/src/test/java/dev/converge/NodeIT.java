package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;

class NodeIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";

    @AllDialects
    void twoPeersReplicateInsertsUpdatesAndDeletes(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "basic", List.of("A", "B"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.write("A", "DELETE FROM pers WHERE marca = 2");
        assertEquals(3, c.deliver("A", "B"), "A ships its three transactions");
        List<RowImage> atB = c.data("B").values().iterator().next();
        assertEquals(1, atB.size(), "B holds one row: " + atB);
        assertEquals("Vasile", atB.get(0).get("nume"));
        assertEquals(c.data("A"), c.data("B"));
        assertTrue(c.node("A").conflicts().isEmpty() && c.node("B").conflicts().isEmpty(), "no conflicts");
    }

    @AllDialects
    void redeliveryIsHarmlessAndNothingEchoes(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "echo", List.of("A", "B"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        var batch = c.node("A").outboundFor(dev.converge.model.NodeId.of("B"), 10);
        var first = c.node("B").receive(dev.converge.model.NodeId.of("A"), batch);
        var again = c.node("B").receive(dev.converge.model.NodeId.of("A"), batch);
        assertEquals(1, first.applied());
        assertEquals(0, again.applied(), "a re-delivered ChangeSet is not applied twice");
        assertEquals(1L, first.storedThrough());
        assertEquals(0, c.deliver("B", "A"), "B has nothing of its own to send: the applied change was not captured");
        assertEquals(Map.of("pers", List.of()), Map.of("pers", c.node("B").outboundFor(dev.converge.model.NodeId.of("A"), 10)));
    }
}
