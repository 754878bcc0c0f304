package dev.converge.resync;

import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a resync reads a peer's snapshot from, a page at a time: the peer's {@link SnapshotSource} itself in one
 * process, or its pages fetched over the network (the node module). Every call reads the same snapshot.
 *
 * <p>Implementations may block (network, database) and are used from one thread at a time.
 */
public interface SnapshotFeed {
    SnapshotHeader header();

    SnapshotPage rows(String table, Optional<RowKey> after, int limit);

    SnapshotPage tombstones(String table, Optional<RowKey> after, int limit);

    /** Which of {@code keys} of {@code table} the snapshot holds, as a live row or as any version. */
    Set<RowKey> known(String table, List<RowKey> keys);

    /** ChangeSets the source stored but had not applied, after ({@code afterOrigin}, {@code afterSequence}). */
    List<ChangeSet> inbox(Optional<NodeId> afterOrigin, long afterSequence, int limit);
}
