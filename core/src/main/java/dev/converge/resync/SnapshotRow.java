package dev.converge.resync;

import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.RowVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * One key of a snapshot: a live row with its version, a live row without one (there before replication started and
 * written by nobody since), or a tombstone (no row; the version is a delete and carries the deleted image).
 * {@code version}'s own key is the source database's; {@code key} is the canonical one.
 */
public record SnapshotRow(RowKey key, Optional<RowImage> row, Optional<RowVersion> version) {
    public SnapshotRow {
        Objects.requireNonNull(key);
        boolean tombstone = version.map(RowVersion::deleted).orElse(false);
        if (row.isPresent() == tombstone) {
            throw new IllegalArgumentException("a snapshot row is a live row, or a tombstone without a row: " + key);
        }
    }

    public boolean tombstone() {
        return row.isEmpty();
    }
}
