package dev.converge.apply;

import dev.converge.clock.HybridTimestamp;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.shadow.RowVersion;
import java.util.Optional;

/**
 * What this node holds for one key when a change arrives: the row (replicated columns; empty if missing), the deleted
 * image if the shadow says it was deleted, the row's version (empty for a row that was there before replication
 * started, or was never here) with its latest write's timestamp and origin, and whether the incoming ChangeSet's
 * origin had seen every write of that version ({@link RowVersion#seenBy}). Rows without a version are stamped with
 * the installation time, no origin, in everybody's past.
 */
record LocalRow(Optional<RowImage> row, Optional<RowImage> shadow, HybridTimestamp timestamp, Optional<NodeId> origin,
                boolean inCausalPast, Optional<RowVersion> version) {
}
