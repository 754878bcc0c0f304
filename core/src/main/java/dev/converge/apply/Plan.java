package dev.converge.apply;

import dev.converge.conflict.ConflictRecord;
import dev.converge.model.Change;
import dev.converge.shadow.RowVersion;
import java.util.Optional;

/**
 * What will be done for one incoming change: the row write, the version to record, the conflict to record, and
 * whether the change lost (which at transaction scope rejects its whole ChangeSet); and for a table whose rows keep a
 * lineage, the version to record instead if the ChangeSet is rejected ({@code ifRejected}: the row as it is, its
 * lineage counting the write, for it is applied here all the same — every later write of this node has it in its
 * history).
 */
record Plan(Change change, Optional<RowWriter.Write> write, Optional<RowVersion> version, Optional<ConflictRecord> record,
            boolean lost, Optional<RowVersion> ifRejected) {
    Plan(Change change, Optional<RowWriter.Write> write, Optional<RowVersion> version, Optional<ConflictRecord> record, boolean lost) {
        this(change, write, version, record, lost, Optional.empty());
    }

    static Plan clean(Change c, Optional<RowWriter.Write> w, Optional<RowVersion> v) {
        return new Plan(c, w, v, Optional.empty(), false);
    }

    static Plan conflict(Change c, Optional<RowWriter.Write> w, Optional<RowVersion> v, ConflictRecord r) {
        return new Plan(c, w, v, Optional.of(r), false);
    }

    static Plan lost(Change c, ConflictRecord r) {
        return new Plan(c, Optional.empty(), Optional.empty(), Optional.of(r), true);
    }

    /** Dropped without a record ({@code ignore}). */
    static Plan ignored(Change c) {
        return new Plan(c, Optional.empty(), Optional.empty(), Optional.empty(), false);
    }
}
