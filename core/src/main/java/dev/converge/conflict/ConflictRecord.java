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
 *
 * <p>{@code localSequence} is the local side's write's sequence at {@code localOrigin} (empty where the local row had
 * no write since replication started, and in records made before it was kept): with {@code changeSet} it names the
 * pair of writes that identifies the conflict on every peer ({@code dev.converge.decision.ConflictIdentity}).
 * {@code decision} is a person's decision on it, once one was taken here or arrived from another peer.
 */
public record ConflictRecord(long id, NodeId detectedAt, ConflictType type, String table, Optional<RowKey> key,
                             Optional<RowImage> localImage, Optional<RowImage> remoteImage,
                             Optional<RowImage> shadowImage, Optional<HybridTimestamp> localTimestamp,
                             Optional<NodeId> localOrigin, HybridTimestamp remoteTimestamp, NodeId remoteOrigin,
                             ChangeSetId changeSet, ConflictScope scope, String resolver, Outcome outcome,
                             ConflictStatus status, Instant detectedTime, Optional<String> detail,
                             Optional<Long> localSequence, Optional<ManualDecision> decision) {
    /** A record without the local write's sequence and without a decision (as records were before either existed). */
    public ConflictRecord(long id, NodeId detectedAt, ConflictType type, String table, Optional<RowKey> key,
                          Optional<RowImage> localImage, Optional<RowImage> remoteImage, Optional<RowImage> shadowImage,
                          Optional<HybridTimestamp> localTimestamp, Optional<NodeId> localOrigin, HybridTimestamp remoteTimestamp,
                          NodeId remoteOrigin, ChangeSetId changeSet, ConflictScope scope, String resolver, Outcome outcome,
                          ConflictStatus status, Instant detectedTime, Optional<String> detail) {
        this(id, detectedAt, type, table, key, localImage, remoteImage, shadowImage, localTimestamp, localOrigin, remoteTimestamp,
            remoteOrigin, changeSet, scope, resolver, outcome, status, detectedTime, detail, Optional.empty(), Optional.empty());
    }

    /** The same record with the local side's write's sequence. */
    public ConflictRecord withLocalSequence(Optional<Long> sequence) {
        return new ConflictRecord(id, detectedAt, type, table, key, localImage, remoteImage, shadowImage, localTimestamp, localOrigin,
            remoteTimestamp, remoteOrigin, changeSet, scope, resolver, outcome, status, detectedTime, detail, sequence, decision);
    }

    /** The same record of another conflict type. */
    public ConflictRecord withType(ConflictType t) {
        return new ConflictRecord(id, detectedAt, t, table, key, localImage, remoteImage, shadowImage, localTimestamp, localOrigin,
            remoteTimestamp, remoteOrigin, changeSet, scope, resolver, outcome, status, detectedTime, detail, localSequence, decision);
    }

    /** The same record as decided by another resolver (by name). */
    public ConflictRecord withResolver(String r) {
        return new ConflictRecord(id, detectedAt, type, table, key, localImage, remoteImage, shadowImage, localTimestamp, localOrigin,
            remoteTimestamp, remoteOrigin, changeSet, scope, r, outcome, status, detectedTime, detail, localSequence, decision);
    }

    /** The same record with another outcome and status. */
    public ConflictRecord withOutcome(Outcome o, ConflictStatus st) {
        return new ConflictRecord(id, detectedAt, type, table, key, localImage, remoteImage, shadowImage, localTimestamp, localOrigin,
            remoteTimestamp, remoteOrigin, changeSet, scope, resolver, o, st, detectedTime, detail, localSequence, decision);
    }

    /** The same record with this detail. */
    public ConflictRecord withDetail(Optional<String> d) {
        return new ConflictRecord(id, detectedAt, type, table, key, localImage, remoteImage, shadowImage, localTimestamp, localOrigin,
            remoteTimestamp, remoteOrigin, changeSet, scope, resolver, outcome, status, detectedTime, d, localSequence, decision);
    }

    /** The local side's write, if it has one: its origin and sequence. */
    public Optional<ChangeSetId> localWrite() {
        return localOrigin.flatMap(o -> localSequence.filter(s -> s > 0).map(s -> new ChangeSetId(o, s)));
    }
}
