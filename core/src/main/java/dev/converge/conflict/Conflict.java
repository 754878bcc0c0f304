package dev.converge.conflict;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.model.Change;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a resolver may look at when an incoming change meets a concurrent local write: the kind of conflict, the
 * incoming change (with its images and timestamp) and its origin's id and priority, the local row as it is (empty if
 * missing), the shadow of the row if it was deleted, and the local row's version (timestamp, and origin — empty for
 * rows that were there before replication started) with that origin's priority. Images are restricted to the
 * replicated columns. Immutable.
 */
public record Conflict(ConflictType type, String table, RowKey key, Change remote, NodeId remoteOrigin, int remotePriority,
                       Optional<RowImage> local, Optional<RowImage> shadow, HybridTimestamp localTimestamp,
                       Optional<NodeId> localOrigin, int localPriority, ConflictScope scope) {
    public Conflict {
        Objects.requireNonNull(type);
        Objects.requireNonNull(remote);
        Objects.requireNonNull(local);
        Objects.requireNonNull(shadow);
        Objects.requireNonNull(localTimestamp);
        Objects.requireNonNull(localOrigin);
    }

    public HybridTimestamp remoteTimestamp() {
        return remote.timestamp();
    }
}
