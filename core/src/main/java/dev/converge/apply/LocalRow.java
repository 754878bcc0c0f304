package dev.converge.apply;

import dev.converge.clock.HybridTimestamp;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import java.util.Optional;

/**
 * What this node holds for one key when a change arrives: the row (replicated columns; empty if missing), the deleted
 * image if the shadow says it was deleted, and the version of the last write, with whether that write lies in the
 * incoming ChangeSet's causal past. Rows without a version were there before replication started: stamped with the
 * installation time, no origin, in everybody's past.
 */
record LocalRow(Optional<RowImage> row, Optional<RowImage> shadow, HybridTimestamp timestamp, Optional<NodeId> origin,
                boolean inCausalPast) {
}
