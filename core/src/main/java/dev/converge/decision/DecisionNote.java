package dev.converge.decision;

import dev.converge.conflict.ManualDecision;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a decision's ChangeSet says about itself in its metadata, so that every peer can mark its records of the same
 * conflict: the conflict's identity and the decision (who, when, where, what, comment). Immutable.
 */
record DecisionNote(ConflictIdentity conflict, ManualDecision decision) {
    static final String CONFLICT = "decision.conflict";
    static final String BY = "decision.by";
    static final String TIME = "decision.time";
    static final String AT = "decision.at";
    static final String WHAT = "decision.what";
    static final String COMMENT = "decision.comment";

    Map<String, String> toMetadata() {
        Map<String, String> m = new TreeMap<>();
        m.put(ChangeSet.KIND, DecisionRule.KIND);
        m.put(CONFLICT, conflict.toJson());
        m.put(BY, decision.who());
        m.put(TIME, decision.when().toString());
        m.put(AT, decision.decidedAt().value());
        m.put(WHAT, decision.what());
        m.put(COMMENT, decision.comment());
        return m;
    }

    /** The note a decision's metadata carries; empty if it is not a decision or the note is unreadable. */
    static Optional<DecisionNote> fromMetadata(Map<String, String> m) {
        if (!DecisionRule.KIND.equals(m.get(ChangeSet.KIND)) || !m.containsKey(CONFLICT)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DecisionNote(ConflictIdentity.fromJson(m.get(CONFLICT)), new ManualDecision(m.getOrDefault(BY, ""),
                Instant.parse(m.get(TIME)), NodeId.of(m.get(AT)), m.getOrDefault(WHAT, ""), m.getOrDefault(COMMENT, ""))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
