package dev.converge.conflict;

import dev.converge.model.RowImage;
import java.util.Objects;

/** A resolver's answer. Sealed: the apply engine knows how to carry out each one, and nothing else. */
public sealed interface Resolution permits Resolution.ApplyRemote, Resolution.KeepLocal, Resolution.Merge, Resolution.Park, Resolution.Ignore {
    /** The incoming change wins and is applied (an update over a deleted row re-inserts it). */
    record ApplyRemote() implements Resolution {
    }

    /** The local row (or the shadow of a local delete) wins; the incoming change is dropped and recorded. */
    record KeepLocal() implements Resolution {
    }

    /** This row, a combination of both, is written (replicated columns). */
    record Merge(RowImage row) implements Resolution {
        public Merge {
            Objects.requireNonNull(row);
        }
    }

    /** Nothing is decided: the local row stays, the conflict waits for a person in the workbench. */
    record Park() implements Resolution {
    }

    /** The incoming change is dropped and no conflict is recorded. */
    record Ignore() implements Resolution {
    }

    Resolution APPLY_REMOTE = new ApplyRemote();
    Resolution KEEP_LOCAL = new KeepLocal();
    Resolution PARK = new Park();
    Resolution IGNORE = new Ignore();
}
