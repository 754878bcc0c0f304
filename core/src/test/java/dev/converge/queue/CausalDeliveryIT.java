package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.transport.Receipt;
import java.util.List;
import java.util.Map;

/**
 * Causal delivery: a ChangeSet written after its origin applied another node's ChangeSet waits in the inbox until that
 * one is applied too, and then both apply without conflict. One origin's own consecutive transactions never conflict.
 */
class CausalDeliveryIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final long MINUTE = 60_000;

    static Cluster cluster(Dialect dialect, String name, List<String> ids) {
        return Cluster.of(dialect, name, ids, PERS, List.of(TableConfig.of("pers")));
    }

    static Receipt send(Cluster c, String from, String to) {
        List<ChangeSet> batch = c.node(from).outboundFor(NodeId.of(to), 100);
        Receipt r = c.node(to).receive(NodeId.of(from), batch);
        c.node(from).acknowledge(NodeId.of(to), r.storedThrough());
        return r;
    }

    static void assertNoConflictAnywhere(Cluster c) {
        for (String id : c.ids()) {
            assertTrue(c.node(id).conflicts().isEmpty(), "No conflict at " + id + ": " + c.node(id).conflicts());
        }
    }

    @AllDialects
    void anUpdateThatArrivesBeforeTheInsertItFollowsWaitsForIt(Dialect dialect) {
        Cluster c = cluster(dialect, "causal_wait", List.of("A", "B", "C"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.deliver("A", "B");
        c.tick(MINUTE);
        c.write("B", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        assertEquals(Map.of(NodeId.of("A"), 1L), c.node("B").outboundFor(NodeId.of("C"), 10).get(0).dependencies(),
            "B's update depends on A's insert, which B had applied.");

        Receipt early = send(c, "B", "C");
        assertEquals(0, early.applied(), "C cannot apply B's update before A's insert.");
        assertEquals(1, early.waiting(), "B's update waits in C's inbox.");
        assertEquals(1, early.storedThrough(), "C has durably stored B's update: B may forget it.");
        assertTrue(c.rows("C", "pers").isEmpty(), "C holds nothing yet.");

        Receipt late = send(c, "A", "C");
        assertEquals(2, late.applied(), "A's insert arrives; it and the waiting update both apply.");
        assertEquals(0, late.waiting(), "Nothing waits at C any more.");
        assertTrue(c.rows("C", "pers").get(0).sameAs(RowImage.of(Map.of("marca", 1, "nume", "Vasile", "jud", "MS"))),
            "C holds the row as B updated it: " + c.rows("C", "pers"));

        c.sync();
        assertEquals(c.data("A"), c.data("B"), "A and B converged.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged.");
        assertNoConflictAnywhere(c);
    }

    @AllDialects
    void aChainOfThreeCausalStepsArrivingBackwardsAppliesOnceTheFirstArrives(Dialect dialect) {
        Cluster c = cluster(dialect, "causal_chain", List.of("A", "B", "C", "D"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.deliver("A", "B");
        c.write("B", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        c.deliver("B", "C");
        c.deliver("A", "C");
        c.write("C", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");

        assertEquals(0, send(c, "C", "D").applied(), "C's update waits at D for B's.");
        Receipt second = send(c, "B", "D");
        assertEquals(0, second.applied(), "B's update waits at D for A's insert.");
        assertEquals(2, second.waiting(), "Two ChangeSets wait at D.");
        Receipt last = send(c, "A", "D");
        assertEquals(3, last.applied(), "A's insert arrives and all three apply, in causal order.");
        assertTrue(c.rows("D", "pers").get(0).sameAs(RowImage.of(Map.of("marca", 1, "nume", "Vasile", "jud", "CJ"))),
            "D holds the row with both updates: " + c.rows("D", "pers"));

        c.sync();
        for (String id : c.ids()) {
            assertEquals(c.data("A"), c.data(id), id + " converged with A.");
        }
        assertNoConflictAnywhere(c);
    }

    @AllDialects
    void consecutiveTransactionsOfOneOriginNeverConflict(Dialect dialect) {
        Cluster c = cluster(dialect, "causal_same_origin", List.of("A", "B"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ana', 'CJ')");
        c.write("A", "UPDATE pers SET marca = 2 WHERE marca = 1");
        c.write("A", "UPDATE pers SET marca = 1 WHERE marca = 2");
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.write("A", "INSERT INTO pers VALUES (1, 'Dan', 'BV')");
        assertEquals(8, c.deliver("A", "B"), "A's eight transactions, all at the same wall time, go to B in one delivery.");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
        assertNoConflictAnywhere(c);

        c.tick(MINUTE);
        c.write("A", "UPDATE pers SET nume = 'Radu' WHERE marca = 1");
        c.deliver("A", "B");
        c.write("A", "UPDATE pers SET nume = 'Ilie' WHERE marca = 1");
        c.deliver("A", "B");
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.deliver("A", "B");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ioana', 'SB')");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds after transactions delivered one by one.");
        assertNoConflictAnywhere(c);
    }

    @AllDialects
    void consecutiveTransactionsOfOneOriginOnARowAnotherNodeWroteNeverConflict(Dialect dialect) {
        Cluster c = cluster(dialect, "causal_after_other", List.of("A", "B", "C"));
        c.write("B", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.deliver("B", "A");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.write("A", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.deliver("A", "C");
        assertTrue(c.rows("C", "pers").isEmpty(), "A's three ChangeSets wait at C for B's insert.");
        c.sync();
        for (String id : c.ids()) {
            assertTrue(c.rows(id, "pers").isEmpty(), "The row ends deleted at " + id + ".");
        }
        assertNoConflictAnywhere(c);
    }
}
