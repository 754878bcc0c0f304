package dev.converge.check;

import java.util.List;
import java.util.Objects;

/**
 * What a check found in one table. Immutable.
 *
 * @param table the table, as this side's database spells it
 * @param rowsHere the replicated rows this side holds
 * @param rowsThere the replicated rows the other side holds
 * @param differences the keys found to differ, in key-hash order (at most the listing limit)
 * @param differing how many rows differ: exactly {@code differences.size()} if {@link #exact}, else at least this many
 * @param exact whether every differing range was examined down to its keys (false when so much differs that only a
 *     bounded part was)
 * @param confirmed whether the differences were read again after both sides had applied the same ChangeSets of every
 *     origin (false: the other side did not catch up in time, and some of them may still be in flight)
 * @param notes what the reader should know: why not exact, why not confirmed
 */
public record TableReport(String table, long rowsHere, long rowsThere, List<Difference> differences, long differing, boolean exact,
                          boolean confirmed, List<String> notes) {
    public TableReport {
        Objects.requireNonNull(table);
        differences = List.copyOf(differences);
        notes = List.copyOf(notes);
    }

    /** Whether both sides hold the same rows. */
    public boolean same() {
        return differing == 0;
    }
}
