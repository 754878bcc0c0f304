package dev.converge.apply;

import dev.converge.clock.TimeSource;
import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.catalog.BoundTable;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The record stage of apply: every {@link ConflictRecord} the engine writes is built here, so each names its
 * ChangeSet, origin, scope and resolver the same way. Stateless apart from configuration; thread-safe.
 */
final class ConflictRecords {
    /** How much of an error's text a record keeps. */
    static final int DETAIL_LIMIT = 3900;

    private final NodeConfig config;
    private final Tables tables;
    private final TimeSource time;

    ConflictRecords(NodeConfig config, Tables tables, TimeSource time) {
        this.config = config;
        this.tables = tables;
        this.time = time;
    }

    /** A conflict a resolver decided (or parked). */
    ConflictRecord decided(ChangeSet cs, Conflict c, Outcome outcome, ConflictStatus status) {
        Optional<RowImage> remote = c.remote().after().or(() -> c.remote().before());
        return new ConflictRecord(0, config.id(), c.type(), c.table(), Optional.of(c.key()), c.local(), remote, c.shadow(),
            Optional.of(c.localTimestamp()), c.localOrigin(), c.remoteTimestamp(), cs.origin(), cs.id(), c.scope(),
            config.resolverOf(c.table(), c.type()).toString(), outcome, status, now(), Optional.empty())
            .withLocalSequence(localSequence(c));
    }

    /**
     * A conflict decided by the precedence of decisions ({@link dev.converge.decision.DecisionRule}), not by the table's
     * resolver: a person's decision met a concurrent write. Recorded as settled, under resolver {@code decision}.
     */
    ConflictRecord byDecision(ChangeSet cs, Conflict c, Outcome outcome) {
        return decided(cs, c, outcome, ConflictStatus.AUTO_RESOLVED).withResolver(dev.converge.decision.DecisionRule.RESOLVER);
    }

    /** The local side's write's sequence; empty for a row without a write since replication started. */
    private static Optional<Long> localSequence(Conflict c) {
        long seq = c.localVersion().latest().sequence();
        return seq > 0 ? Optional.of(seq) : Optional.empty();
    }

    /** A collision on a unique value between two rows, decided as {@link UniqueCollisions} describes; {@code detail} says who lost. */
    ConflictRecord collided(ChangeSet cs, Conflict c, Outcome outcome, ConflictStatus status, String detail) {
        return decided(cs, c, outcome, status).withDetail(Optional.of(truncate(detail)));
    }

    /**
     * A row the target refused (a constraint, a value its column cannot hold), or one whose handling failed: parked for
     * a person with the reason; the local side is what the plan had seen, if anything.
     */
    ConflictRecord refused(ChangeSet cs, Plan p, ConflictType type, String reason) {
        Change change = p.change();
        return new ConflictRecord(0, config.id(), type, tables.get(change.table()).name(), Optional.of(change.key()),
            p.record().flatMap(ConflictRecord::localImage), change.after().or(change::before), p.record().flatMap(ConflictRecord::shadowImage),
            p.record().flatMap(ConflictRecord::localTimestamp), p.record().flatMap(ConflictRecord::localOrigin), change.timestamp(), cs.origin(),
            cs.id(), config.scopeOf(change.table()), resolverName(change.table()), Outcome.PARKED, ConflictStatus.NEEDS_REVIEW, now(),
            Optional.of(truncate(reason))).withLocalSequence(p.record().flatMap(ConflictRecord::localSequence));
    }

    /** A refused row whose conflict was then decided (see {@link ForeignKeyConflicts}), with what was done. */
    ConflictRecord refusedDecided(ChangeSet cs, Plan p, ConflictType type, Outcome outcome, ConflictStatus status, String detail) {
        // keeps the local write's sequence: with it the record names the same conflict as the other peers' records
        return refused(cs, p, type, detail).withOutcome(outcome, status);
    }

    /**
     * A row written concurrently with the incoming parent {@code delete} of {@code cs}, which won and took it away
     * (see {@link ForeignKeyConflicts}): the local side is the row as it was, with its own write ({@code version}), so
     * that it can come back as it was if the delete loses later to another child. Applied-remote, decided.
     */
    ConflictRecord childRemoved(ChangeSet cs, Change delete, BoundTable t, RowKey key, RowImage row,
                                dev.converge.shadow.RowVersion version, String resolver, String detail) {
        return new ConflictRecord(0, config.id(), ConflictType.CONSTRAINT, t.name(), Optional.of(key), Optional.of(row), Optional.empty(),
            Optional.empty(), Optional.of(dev.converge.clock.HybridTimestamp.fromLong(version.timestamp())), Optional.of(NodeId.of(version.origin())),
            delete.timestamp(), cs.origin(), cs.id(), config.scopeOf(t.name()), resolver, Outcome.APPLIED_REMOTE,
            ConflictStatus.AUTO_RESOLVED, now(), Optional.of(truncate(detail))).withLocalSequence(version.originSequence());
    }

    /**
     * A row a snapshot and this node both hold with different content and no version saying which came later (both
     * from before replication started): this node's row is kept and the difference parked for a person.
     */
    ConflictRecord snapshotDifference(BoundTable t, RowKey key, RowImage local, Optional<RowImage> remote, NodeId source,
                                      dev.converge.clock.HybridTimestamp at, long sequence, String detail) {
        return new ConflictRecord(0, config.id(), ConflictType.INSERT_EXISTS, t.name(), Optional.of(key), Optional.of(local), remote,
            Optional.empty(), Optional.empty(), Optional.empty(), at, source, new dev.converge.model.ChangeSetId(source, sequence),
            config.scopeOf(t.name()), resolverName(t.name()), Outcome.KEPT_LOCAL, ConflictStatus.NEEDS_REVIEW, now(),
            Optional.of(truncate(detail)));
    }

    /** A change whose resolver failed (threw, or answered nothing): parked with the error, the conflict's images kept. */
    ConflictRecord resolverFailed(ChangeSet cs, Conflict c, String reason) {
        return decided(cs, c, Outcome.PARKED, ConflictStatus.NEEDS_REVIEW).withType(ConflictType.ERROR).withDetail(Optional.of(truncate(reason)));
    }

    /** The record of a whole ChangeSet: rejected at transaction scope, or failed as a whole; carries the ChangeSet. */
    ConflictRecord wholeChangeSet(ChangeSet cs, ConflictType type, Optional<String> error) {
        String table = cs.changes().isEmpty() ? "" : tables.get(cs.changes().get(0).table()).name();
        String changeSet = ChangeSetCodec.toJson(cs);
        String detail = error.map(e -> truncate(e) + "\n").orElse("") + changeSet;
        ConflictScope scope = type == ConflictType.TRANSACTION ? ConflictScope.TRANSACTION : table.isEmpty() ? ConflictScope.ROW : config.scopeOf(table);
        return new ConflictRecord(0, config.id(), type, table, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), cs.timestamp(), cs.origin(), cs.id(), scope, resolverName(table),
            type == ConflictType.TRANSACTION ? Outcome.KEPT_LOCAL : Outcome.PARKED, ConflictStatus.NEEDS_REVIEW, now(), Optional.of(detail));
    }

    /** An error as a record keeps it: each cause's class and message, outermost first. */
    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < DETAIL_LIMIT; t = t.getCause() == t ? null : t.getCause()) {
            out.append(out.length() == 0 ? "" : "\ncaused by: ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return truncate(out.toString());
    }

    private static String truncate(String s) {
        return s.length() <= DETAIL_LIMIT ? s : s.substring(0, DETAIL_LIMIT) + "…";
    }

    private String resolverName(String table) {
        return config.resolverOf(table).toString();
    }

    private Instant now() {
        return Instant.ofEpochMilli(time.currentTimeMillis());
    }
}
