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
 * missing), the shadow of the row if it was deleted, and the local row's version: its latest write's timestamp and
 * origin (empty for rows that were there before replication started) with that origin's priority, and in
 * {@link #localVersion} every write it is made of and, for a merging resolver's tables, the write that last changed each
 * column; and the incoming ChangeSet's sequence; and, for a table whose resolver compares histories
 * ({@link ConflictResolver#comparesHistories()}), the writes each side made since they forked ({@link #fork}; empty
 * for other tables and for conflicts between two different rows). Images are restricted to the replicated columns.
 * Immutable.
 */
public record Conflict(ConflictType type, String table, RowKey key, Change remote, NodeId remoteOrigin, int remotePriority,
                       Optional<RowImage> local, Optional<RowImage> shadow, HybridTimestamp localTimestamp,
                       Optional<NodeId> localOrigin, int localPriority, ConflictScope scope, LocalVersion localVersion,
                       long remoteSequence, Optional<Fork> fork) {
    /** A conflict without the writes since the fork. */
    public Conflict(ConflictType type, String table, RowKey key, Change remote, NodeId remoteOrigin, int remotePriority,
                    Optional<RowImage> local, Optional<RowImage> shadow, HybridTimestamp localTimestamp, Optional<NodeId> localOrigin,
                    int localPriority, ConflictScope scope, LocalVersion localVersion, long remoteSequence) {
        this(type, table, key, remote, remoteOrigin, remotePriority, local, shadow, localTimestamp, localOrigin, localPriority, scope,
            localVersion, remoteSequence, Optional.empty());
    }

    public Conflict {
        Objects.requireNonNull(fork);
        Objects.requireNonNull(type);
        Objects.requireNonNull(remote);
        Objects.requireNonNull(local);
        Objects.requireNonNull(shadow);
        Objects.requireNonNull(localTimestamp);
        Objects.requireNonNull(localOrigin);
        Objects.requireNonNull(localVersion);
    }

    public HybridTimestamp remoteTimestamp() {
        return remote.timestamp();
    }

    /** The incoming write's stamp: its timestamp, origin and sequence. */
    public Stamp remoteStamp() {
        return Stamp.of(remote.timestamp(), remoteOrigin, remoteSequence);
    }

    /**
     * Whether the incoming change is the latest write of {@code column}: it sets the column and its stamp is greater
     * than the column's here — what a per-column merge takes from the remote side.
     */
    public boolean remoteIsLatestFor(String column) {
        return remoteChanges(column) && remoteStamp().compareTo(localVersion.column(column)) > 0;
    }

    /**
     * Whether the incoming change sets {@code column} (matched ignoring case): an insert sets every column, an update
     * those whose value differs between its before and after images, a delete none.
     */
    public boolean remoteChanges(String column) {
        return remote.sets(column);
    }
}
