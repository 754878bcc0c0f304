package dev.converge.decision;

import dev.converge.conflict.ConflictRecord;
import java.util.List;
import java.util.Objects;

/** What became of a decision. Sealed: a decision is carried out, or refused with the reason and nothing changed. */
public sealed interface DecisionResult permits DecisionResult.Decided, DecisionResult.Refused {
    /**
     * The decision was written as a local transaction (it replicates with the next delivery, also when the decided row
     * was already as decided here) and {@code records} — the decided conflict's and every other record here of the same
     * conflict — are {@code resolved-by-hand}; {@code conflict} is the decided one, as it reads now.
     */
    record Decided(ConflictRecord conflict, List<ConflictRecord> records) implements DecisionResult {
        public Decided {
            Objects.requireNonNull(conflict);
            records = List.copyOf(records);
        }
    }

    /** Nothing was written: {@code reason} says why, as a sentence for the person who decided. */
    record Refused(long conflictId, String reason) implements DecisionResult {
        public Refused {
            Objects.requireNonNull(reason);
        }
    }
}
