package dev.converge.resync;

import dev.converge.model.RowKey;
import java.util.List;
import java.util.Optional;

/**
 * One page of a table's live rows or tombstones in a snapshot, and where the next page starts: after {@code next}, or
 * nowhere when this was the last.
 */
public record SnapshotPage(List<SnapshotRow> rows, Optional<RowKey> next) {
    public SnapshotPage {
        rows = List.copyOf(rows);
    }
}
