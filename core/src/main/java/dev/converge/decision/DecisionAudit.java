package dev.converge.decision;

import static dev.converge.install.MetaTables.*;

import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.ManualDecision;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetId;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The apply engine's hook: when a decision's ChangeSet is applied here, every record here of the same conflict becomes
 * {@code resolved-by-hand} with the decision's who, when, what and comment, in the apply's transaction. A record that
 * already carries a later decision keeps it, so two decisions on one conflict leave the same audit on every peer.
 * Stateless; thread-safe.
 */
public final class DecisionAudit {
    private DecisionAudit() {
    }

    /** Marks the records {@code cs} decided, if it is a decision; returns how many. */
    public static int applied(DSLContext ctx, ConflictStore conflicts, ChangeSet cs) {
        Optional<DecisionNote> note = DecisionNote.fromMetadata(cs.metadata());
        if (note.isEmpty()) {
            return 0;
        }
        List<Long> ids = recordsOf(ctx, conflicts, note.get().conflict()).stream()
            .filter(r -> r.decision().map(d -> !d.when().isAfter(note.get().decision().when())).orElse(true))
            .map(ConflictRecord::id).toList();
        return conflicts.markDecided(ctx, ids, note.get().decision());
    }

    /**
     * The records here of {@code identity}: those naming the same pair of writes and key; for a {@code transaction}
     * conflict also its rows' own records (they share its ChangeSet).
     */
    static List<ConflictRecord> recordsOf(DSLContext ctx, ConflictStore conflicts, ConflictIdentity identity) {
        Condition any = DSL.falseCondition();
        for (ChangeSetId w : identity.writes()) {
            any = any.or(C_REMOTE_ORIGIN.eq(w.origin().value()).and(C_CS_SEQ.eq(w.sequence())));
        }
        List<ConflictRecord> candidates = conflicts.find(ctx, any);
        if (identity.key().isEmpty()) {
            return candidates.stream().filter(r -> identity.writes().contains(r.changeSet())).toList();
        }
        return candidates.stream().filter(identity::names).toList();
    }

    static void mark(DSLContext ctx, ConflictStore conflicts, List<ConflictRecord> records, ManualDecision d) {
        conflicts.markDecided(ctx, records.stream().map(ConflictRecord::id).toList(), d);
    }
}
