package dev.converge.neteffect;

import dev.converge.clock.HybridTimestamp;
import dev.converge.model.RowImage;
import java.util.Objects;

/**
 * One row operation exactly as capture recorded it inside a source transaction, before net-effect evaluation: full
 * row images (every column) and whether each image matched the table's row filter when it was captured (true when
 * the table has no filter). {@code position} is its place in the transaction (capture order, strictly increasing).
 */
public record RawChange(long position, String table, Operation operation, RowImage before, RowImage after,
                        boolean beforeMatches, boolean afterMatches, HybridTimestamp timestamp) {
    public enum Operation { INSERT, UPDATE, DELETE }

    public RawChange {
        Objects.requireNonNull(table);
        Objects.requireNonNull(operation);
        Objects.requireNonNull(timestamp);
        if ((operation == Operation.INSERT) != (before == null) || (operation == Operation.DELETE) != (after == null)) {
            throw new IllegalArgumentException(operation + " needs " + (operation == Operation.INSERT ? "only an after image"
                : operation == Operation.DELETE ? "only a before image" : "both images"));
        }
    }

    public static RawChange insert(long position, String table, RowImage after, boolean matches, HybridTimestamp ts) {
        return new RawChange(position, table, Operation.INSERT, null, after, false, matches, ts);
    }

    public static RawChange update(long position, String table, RowImage before, RowImage after, boolean beforeMatches,
                                   boolean afterMatches, HybridTimestamp ts) {
        return new RawChange(position, table, Operation.UPDATE, before, after, beforeMatches, afterMatches, ts);
    }

    public static RawChange delete(long position, String table, RowImage before, boolean matches, HybridTimestamp ts) {
        return new RawChange(position, table, Operation.DELETE, before, null, matches, false, ts);
    }
}
