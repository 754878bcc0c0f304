package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.RowImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A merging resolver for tests, proving the version model for the coming {@code column-merge}: when both sides wrote a
 * live row, each column takes the value of the latest write that changed it — the incoming change's if it changed the
 * column and its stamp is later than the column's stamp here ({@link dev.converge.conflict.LocalVersion#column}), else
 * the local value ({@link Conflict#remoteIsLatestFor}). Conflicts about a row's existence (a delete, a missing row) go by the timestamp rule. Registered
 * for tests only as {@value #NAME}.
 */
public class ColumnMergeResolver implements ConflictResolver {
    public static final String NAME = "test-column-merge";
    private final TimestampResolver timestamp = new TimestampResolver();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean merges() {
        return true;
    }

    @Override
    public Resolution resolve(Conflict c) {
        boolean bothLive = c.local().isPresent() && c.remote().after().isPresent()
            && (c.type() == ConflictType.UPDATE_CHANGED_ROW || c.type() == ConflictType.INSERT_EXISTS);
        return bothLive ? new Resolution.Merge(merge(c)) : timestamp.resolve(c);
    }

    /** Per column, the latest write's value. */
    protected RowImage merge(Conflict c) {
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
