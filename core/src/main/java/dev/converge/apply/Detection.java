package dev.converge.apply;

import dev.converge.conflict.ConflictType;
import dev.converge.model.Change;
import dev.converge.model.RowImage;
import java.util.Optional;

/**
 * Where a conflict is detected. Pure: given an incoming change and what the node holds for its key, says whether the
 * change applies cleanly or which kind of conflict it meets.
 *
 * <p>The test is causal, not by image: a change conflicts with the local row only when a write the row is made of (its
 * last write, or any of the writes a resolver merged into it) is not in the change's causal past, i.e. the change's
 * origin had not applied that write when it wrote. Comparing images
 * alone would miss a row changed and changed back (A→B→A) and would call a causally later write a conflict whenever
 * a column subset hides a difference. Images still name the conflict (changed row vs missing row).
 */
final class Detection {
    private Detection() {
    }

    /** The conflict the change meets, or empty if it applies cleanly. */
    static Optional<ConflictType> detect(Change change, LocalRow local) {
        if (change instanceof Change.Insert insert) {
            return insert(insert, local);
        }
        if (change instanceof Change.Update) {
            return local.row().isEmpty() ? Optional.of(ConflictType.UPDATE_MISSING_ROW)
                : local.inCausalPast() ? Optional.empty() : Optional.of(ConflictType.UPDATE_CHANGED_ROW);
        }
        return local.row().isEmpty() ? Optional.of(ConflictType.DELETE_MISSING_ROW)
            : local.inCausalPast() ? Optional.empty() : Optional.of(ConflictType.DELETE_CHANGED_ROW);
    }

    private static Optional<ConflictType> insert(Change.Insert insert, LocalRow local) {
        if (local.row().isPresent()) {
            return Optional.of(ConflictType.INSERT_EXISTS);
        }
        // a row deleted here by a write the inserter had not seen: the insert races a concurrent delete
        boolean concurrentDelete = local.shadow().isPresent() && !local.inCausalPast();
        return concurrentDelete ? Optional.of(ConflictType.INSERT_EXISTS) : Optional.empty();
    }

    /**
     * Both sides wrote the same row on their own (the same insert or the same update, made concurrently): no data to
     * change and nothing for a person to review, only the row's version must end up the same everywhere. Two
     * concurrent deletes are still recorded ({@code delete-missing-row}): the delete did not find its row.
     */
    static boolean sameOutcome(Change change, LocalRow local) {
        Optional<RowImage> after = change.after();
        return after.isPresent() && local.row().isPresent() && local.row().get().sameAs(after.get());
    }
}
