package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.RowImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code column-merge}: when two writes both left the row live, changes to different columns are both kept, and a
 * column both changed takes the value of the latest write that changed it — judged by the column's stamp
 * ({@link Conflict#remoteIsLatestFor}), so every peer picks the same value whatever order the writes arrive in.
 * Conflicts about the row's existence (a delete, a missing row) go by the {@code timestamp} rule. Converges.
 *
 * <p>Stateless; thread-safe.
 */
public final class ColumnMergeResolver implements ConflictResolver {
    public static final String NAME = "column-merge";
    private static final TimestampResolver TIMESTAMP = new TimestampResolver();

    @Override
    public String name() {
        return NAME;
    }

    /** Merging needs each column's stamp: see {@link ConflictResolver#merges()}. */
    @Override
    public boolean merges() {
        return true;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return bothLive(c) ? new Resolution.Merge(latestPerColumn(c)) : TIMESTAMP.resolve(c);
    }

    /** Both writes left the row in place: the only case where there are columns to merge. */
    static boolean bothLive(Conflict c) {
        return c.local().isPresent() && c.remote().after().isPresent()
            && (c.type() == ConflictType.UPDATE_CHANGED_ROW || c.type() == ConflictType.INSERT_EXISTS);
    }

    /** The local row with each column the incoming change is the latest write of taken from it. */
    static RowImage latestPerColumn(Conflict c) {
        RowImage local = c.local().orElseThrow();
        RowImage remote = c.remote().after().orElseThrow();
        Map<String, Object> taken = new LinkedHashMap<>();
        for (String column : local.values().keySet()) {
            if (c.remoteIsLatestFor(column)) {
                taken.put(column, remote.get(column));
            }
        }
        return local.with(taken);
    }
}
