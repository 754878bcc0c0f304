package dev.converge.decision;

import dev.converge.model.RowImage;
import java.util.Objects;

/**
 * What a person decided about a conflict. Sealed: {@link Decisions} carries out each kind, and nothing else.
 * For a {@code transaction} conflict, {@link TakeRemote} replays the rejected ChangeSet's rows.
 */
public sealed interface Decision permits Decision.TakeLocal, Decision.TakeRemote, Decision.DeleteRow, Decision.MergedRow {
    /** The word the records and the metadata use: {@code take-local}, {@code take-remote}, {@code delete}, {@code merge}. */
    String word();

    /** The local side of the conflict stands: its image (or, if it was deleted, no row). */
    record TakeLocal() implements Decision {
        public String word() {
            return "take-local";
        }
    }

    /** The incoming side stands: its image, or no row if it was a delete; a rejected transaction is replayed whole. */
    record TakeRemote() implements Decision {
        public String word() {
            return "take-remote";
        }
    }

    /** The row is deleted. */
    record DeleteRow() implements Decision {
        public String word() {
            return "delete";
        }
    }

    /**
     * This row stands: column values picked from either side or typed. It must keep the conflict's key; a replicated
     * column it leaves out keeps the value the row holds now (or the local side's, or the remote side's, if it is missing).
     */
    record MergedRow(RowImage row) implements Decision {
        public MergedRow {
            Objects.requireNonNull(row);
        }

        public String word() {
            return "merge";
        }
    }

    Decision TAKE_LOCAL = new TakeLocal();
    Decision TAKE_REMOTE = new TakeRemote();
    Decision DELETE_ROW = new DeleteRow();
}
