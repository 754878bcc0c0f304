package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.transport.Receipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node may hand on ChangeSets it received from another origin (what a hub or a reference node does): the receiver
 * applies them in their origin's order, by origin and sequence, whoever delivered them; metadata travels with them.
 */
class RelayIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40))";
    static final NodeId A = NodeId.of("A");
    static final NodeId B = NodeId.of("B");
    static final NodeId C = NodeId.of("C");

    @AllDialects
    void aChangeSetRelayedByAnotherPeerAppliesOnceInItsOriginsOrder(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay", List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        List<ChangeSet> fromA = c.node("A").outboundFor(C, 10);

        Receipt relayed = c.node("C").receive(B, fromA);
        assertEquals(A, relayed.origin(), "The receipt is about A's ChangeSets, though B delivered them.");
        assertEquals(2, relayed.storedThrough(), "C has A's ChangeSets through 2.");
        assertEquals("Vasile", c.sql("C").scalar("SELECT nume FROM pers WHERE marca = 1"), "C holds A's row as A left it.");

        Receipt direct = c.node("C").receive(A, fromA);
        assertEquals(0, direct.applied(), "Delivered again by A itself, nothing applies twice.");
        assertTrue(c.node("C").conflicts().isEmpty(), "No conflict: nothing was applied twice.");
    }

    @AllDialects
    void aChangeSetCarryingMetadataIsStoredAndAppliedLikeAnyOther(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_meta", List.of("A", "B"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        ChangeSet cs = c.node("A").outboundFor(B, 10).get(0);
        ChangeSet decision = new ChangeSet(cs.origin(), cs.sequence(), cs.timestamp(), cs.dependencies(), cs.changes(),
            Map.of(ChangeSet.KIND, "decision"));
        // held back (sequence 2 before 1), so it is stored and read back from the inbox
        ChangeSet later = new ChangeSet(cs.origin(), 2, cs.timestamp(), cs.dependencies(), List.of(), Map.of(ChangeSet.KIND, "compensation",
            ChangeSet.UNDOES, "A:1"));
        assertEquals(1, c.node("B").receive(A, List.of(later)).waiting(), "Sequence 2 waits for 1 in B's inbox.");
        c.node("B").receive(A, List.of(decision));
        assertEquals("Ion", c.sql("B").scalar("SELECT nume FROM pers WHERE marca = 1"), "The decision's row is applied.");
        assertEquals(0, c.node("B").receive(A, List.of()).waiting(), "Both applied; the inbox is empty.");
    }

    @AllDialects
    void aBatchMixingOriginsOrOfAnUnknownOriginIsRefusedWhole(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_refuse", List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.write("B", "INSERT INTO pers VALUES (2, 'Ana')");
        List<ChangeSet> mixed = new ArrayList<>(c.node("A").outboundFor(C, 10));
        mixed.addAll(c.node("B").outboundFor(C, 10));
        MalformedChangeSetException e = assertThrows(MalformedChangeSetException.class, () -> c.node("C").receive(B, mixed));
        assertTrue(e.getMessage().contains("mixes origins"), "The refusal says why: " + e.getMessage());
        assertEquals(0L, ((Number) c.sql("C").scalar("SELECT count(*) FROM pers")).longValue(), "Nothing of the batch was applied.");
        assertThrows(MalformedChangeSetException.class, () -> c.node("C").receive(NodeId.of("Z"), c.node("A").outboundFor(C, 10)),
            "A batch from a node that is not a peer is refused.");
    }
}
