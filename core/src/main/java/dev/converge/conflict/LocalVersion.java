package dev.converge.conflict;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The version of the local row in a {@link Conflict}: which writes its content is made of and, per column, which write
 * last changed it. Immutable.
 *
 * @param writes the writes the row is made of, latest first: one, unless a resolver merged concurrent writes into it
 *     (then each origin's latest contributing write); empty for a row from before replication started
 * @param columns per replicated column (the database's spelling), the write that last changed it. Kept for the tables
 *     of a merging resolver ({@link ConflictResolver#merges()}) only; elsewhere empty, and {@link #column} answers the
 *     row's latest write for every column
 * @param latest the row's latest write: {@code writes}' first, or the row's version from before replication
 */
public record LocalVersion(List<Stamp> writes, Map<String, Stamp> columns, Stamp latest) {
    public LocalVersion {
        writes = List.copyOf(writes);
        TreeMap<String, Stamp> byColumn = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byColumn.putAll(columns);
        columns = Collections.unmodifiableMap(byColumn);
        Objects.requireNonNull(latest);
    }

    /** The write that last changed {@code column} (matched ignoring case), or the latest write if no stamp is kept for it. */
    public Stamp column(String column) {
        return columns.getOrDefault(column, latest);
    }
}
