package dev.converge.decision;

import dev.converge.conflict.Stamp;
import dev.converge.model.ChangeSet;
import java.util.Optional;

/**
 * The precedence of decisions, applied by the engine before a table's resolver is asked: when an incoming write meets a
 * concurrent local write (one not in its causal past) and either of them is a person's decision, the decision wins over
 * a write that is not one, and of two decisions the later wins (by {@link Stamp}: timestamp, then origin, then
 * sequence). Every peer compares the same two writes — the row's version remembers whether its latest write was a
 * decision — so every peer keeps the same one, whatever its resolver. A write that causally follows a decision meets no
 * conflict and is an ordinary change. Pure; thread-safe.
 */
public final class DecisionRule {
    /** The resolver name conflict records decided by this rule carry. */
    public static final String RESOLVER = "decision";
    /** The value of {@link ChangeSet#KIND} that marks a decision. */
    public static final String KIND = "decision";

    private DecisionRule() {
    }

    public static boolean isDecision(ChangeSet cs) {
        return KIND.equals(cs.metadata().get(ChangeSet.KIND));
    }

    /**
     * Whether the incoming write wins, when a decision is involved; empty when neither write is a decision (the table's
     * resolver decides then).
     */
    public static Optional<Boolean> remoteWins(boolean remoteIsDecision, Stamp remote, boolean localIsDecision, Stamp local) {
        if (!remoteIsDecision && !localIsDecision) {
            return Optional.empty();
        }
        if (remoteIsDecision != localIsDecision) {
            return Optional.of(remoteIsDecision);
        }
        return Optional.of(remote.compareTo(local) > 0);
    }
}
