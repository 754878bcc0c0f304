package dev.converge.shadow;

import java.util.List;
import java.util.Optional;

/**
 * What the shadow table knows of one row: the packed hybrid timestamp and origin of the last write, the origin's
 * ChangeSet sequence for a replicated write (empty for a local write not yet told its sequence) or the local
 * transaction key for a local write, and — when the last write was a delete — the deleted image as JSON.
 */
public record RowVersion(List<Object> key, long timestamp, String origin, Optional<Long> originSequence,
                         Optional<String> localTransaction, boolean deleted, Optional<String> deletedImage) {
    public RowVersion {
        key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
    }

    public static RowVersion live(List<Object> key, long timestamp, String origin, long originSequence) {
        return new RowVersion(key, timestamp, origin, Optional.of(originSequence), Optional.empty(), false, Optional.empty());
    }

    public static RowVersion tombstone(List<Object> key, long timestamp, String origin, long originSequence, String imageJson) {
        return new RowVersion(key, timestamp, origin, Optional.of(originSequence), Optional.empty(), true, Optional.of(imageJson));
    }
}
