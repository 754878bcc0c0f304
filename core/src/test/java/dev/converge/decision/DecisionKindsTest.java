package dev.converge.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Stamp;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of decisions: every kind handled, the precedence rule, identities that read back and match either way round. */
class DecisionKindsTest {
    @Test
    void everyKindOfDecisionIsCarriedOut() {
        assertEquals(Set.of(Decision.class.getPermittedSubclasses()), Decisions.HANDLED,
            "Decisions.plan handles every permitted kind of Decision (Java 17 cannot check a switch over a sealed type).");
    }

    @Test
    void aDecisionBeatsAWriteThatIsNotOneAndTheLaterOfTwoDecisionsWins() {
        Stamp early = Stamp.of(HybridTimestamp.ofMillis(1000), NodeId.of("A"), 1);
        Stamp late = Stamp.of(HybridTimestamp.ofMillis(2000), NodeId.of("B"), 1);
        assertEquals(Optional.empty(), DecisionRule.remoteWins(false, late, false, early), "No decision: the resolver decides.");
        assertEquals(Optional.of(true), DecisionRule.remoteWins(true, early, false, late), "An incoming decision beats a later write.");
        assertEquals(Optional.of(false), DecisionRule.remoteWins(false, late, true, early), "A local decision beats a later write.");
        assertEquals(Optional.of(true), DecisionRule.remoteWins(true, late, true, early), "Of two decisions the later wins.");
        assertEquals(Optional.of(false), DecisionRule.remoteWins(true, early, true, late), "Of two decisions the later wins.");
    }

    @Test
    void anIdentityReadsBackAndIgnoresWhichSideWasLocal() {
        ChangeSetId a = new ChangeSetId(NodeId.of("A"), 5);
        ChangeSetId b = new ChangeSetId(NodeId.of("B"), 3);
        ConflictIdentity one = new ConflictIdentity("item", Optional.of(RowKey.of("id", 1)), Set.of(a, b));
        ConflictIdentity other = new ConflictIdentity("item", Optional.of(RowKey.of("id", 1)), Set.of(b, a));
        assertEquals(one, other, "The pair of writes is unordered.");
        ConflictIdentity back = ConflictIdentity.fromJson(one.toJson());
        assertEquals(one.writes(), back.writes(), "The writes read back.");
        assertTrue(back.key().isPresent() && back.table().equals("item"), "The table and key read back: " + back);
        assertFalse(ConflictIdentity.fromJson(new ConflictIdentity("item", Optional.empty(), Set.of(a)).toJson()).key().isPresent(),
            "A transaction conflict has no key.");
    }
}
