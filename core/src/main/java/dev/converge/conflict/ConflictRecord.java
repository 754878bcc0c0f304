package dev.converge.conflict;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.time.Instant;
import java.util.Optional;

/**
 * A conflict as recorded in the database of the node that detected it: what was found, both row images (and the
 * shadow of a deleted row, if one was involved), both timestamps and origins, the incoming ChangeSet, the scope and
 * resolver that decided it, the outcome and whether a person still has to review it. For a {@code transaction}
 * conflict {@code key} and the images are empty; its rows' own conflicts share its {@code changeSet}.
 */
public record ConflictRecord(long id, NodeId detectedAt, ConflictType type, String table, Optional<RowKey> key,
                             Optional<RowImage> localImage, Optional<RowImage> remoteImage,
                             Optional<RowImage> shadowImage, Optional<HybridTimestamp> localTimestamp,
                             Optional<NodeId> localOrigin, HybridTimestamp remoteTimestamp, NodeId remoteOrigin,
                             ChangeSetId changeSet, ConflictScope scope, String resolver, Outcome outcome,
                             ConflictStatus status, Instant detectedTime, Optional<String> detail) {
}
