package dev.converge.decision;

import dev.converge.conflict.ConflictRecord;
import java.util.List;
import java.util.Objects;

/** What became of a decision. Sealed: a decision is carried out, or refused with the reason and nothing changed. */
public sealed interface DecisionResult permits DecisionResult.Decided, DecisionResult.Refused {
    /**
     * The decision was written as a local transaction (it replicates with the next delivery) and {@code records} — the
     * decided conflict's and every other record here of the same conflict — are {@code resolved-by-hand}.
     * {@code replicates} is false when there was nothing to write (the row already absent for a delete): the records are
     * resolved here only.
     */
    record Decided(ConflictRecord conflict, List<ConflictRecord> records, boolean replicates) implements DecisionResult {
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
