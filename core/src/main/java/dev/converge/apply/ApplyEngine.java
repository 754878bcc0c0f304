package dev.converge.apply;

import static dev.converge.install.MetaTables.*;

import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.conflict.Resolution;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.queue.OutboundQueue;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Applies one incoming ChangeSet inside the caller's database transaction: loads the local rows and versions of every
 * key it touches (one query per table and chunk of keys), detects and resolves conflicts, writes rows, shadow
 * versions and conflict records in batches, and advances the origin's watermark, the applied count and the hybrid
 * clock's floor — all in that one transaction, so a ChangeSet is applied exactly once or not at all.
 *
 * <p>The caller (the {@code Node}) guarantees the preconditions: capture is switched off for the transaction (no
 * echo), the ChangeSet is the origin's next one, and its causal dependencies are applied. Single-threaded per node.
 */
public final class ApplyEngine {
    private final NodeConfig config;
    private final Map<String, BoundTable> tables = new LinkedHashMap<>();
    private final Map<String, ConflictResolver> resolvers;
    private final TimeSource time;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final ConflictStore conflicts;
    private final OutboundQueue outbound;

    /**
     * @param outbound this node's outbound queue: local transactions that committed while the apply waited for its row
     *     locks are sequenced before their rows are judged, since sequencing gives local writes their versions
     */
    public ApplyEngine(NodeConfig config, List<BoundTable> boundTables, Map<String, ConflictResolver> resolvers, TimeSource time,
                       OutboundQueue outbound) {
        this.outbound = outbound;
        this.config = config;
        boundTables.forEach(t -> tables.put(t.name(), t));
        this.resolvers = Map.copyOf(resolvers);
        this.time = time;
        this.conflicts = new ConflictStore(config.id());
    }

    public ApplyResult apply(Connection connection, DSLContext ctx, ChangeSet cs) throws SQLException {
        Record clock = ctx.select(CLOCK_FLOOR, CLOCK_APPLIED_N, CLOCK_INITIAL).from(CLOCK).where(CLOCK_ID.eq(1)).forUpdate().fetchOne();
        HybridTimestamp initial = HybridTimestamp.fromLong(clock.get(CLOCK_INITIAL));
        Map<TableKey, LocalRow> locals = load(ctx, cs, initial);
        List<Plan> plans = new ArrayList<>();
        for (Change c : cs.changes()) {
            plans.add(plan(cs, c, locals.get(new TableKey(c.table(), c.key()))));
        }
        ApplyResult result = transactionScopeLoss(plans) ? reject(ctx, cs, plans, List.of()) : write(connection, ctx, cs, plans, initial);
        advance(ctx, cs, clock.get(CLOCK_FLOOR), clock.get(CLOCK_APPLIED_N));
        return result;
    }

    private ApplyResult write(Connection connection, DSLContext ctx, ChangeSet cs, List<Plan> plans, HybridTimestamp initial)
        throws SQLException {
        List<RowWriter.Write> writes = new ArrayList<>();
        List<Plan> writers = new ArrayList<>();
        for (Plan p : plans) {
            p.write.ifPresent(w -> {
                writes.add(w);
                writers.add(p);
            });
        }
        Savepoint before = connection.setSavepoint();
        List<RowWriter.Rejection> rejections = new RowWriter(connection, ctx).execute(writes);
        List<Plan> finals = new ArrayList<>(plans);
        List<Plan> refusedPlans = new ArrayList<>();
        for (RowWriter.Rejection r : rejections) {
            Plan p = writers.get(r.index());
            Plan replanned = racedInsert(connection, ctx, cs, p, initial).orElseGet(() -> refused(cs, p, r.reason()));
            finals.set(finals.indexOf(p), replanned);
            if (replanned.record.map(x -> x.type() == ConflictType.CONSTRAINT).orElse(false)) {
                refusedPlans.add(replanned);
            }
        }
        if (!rejections.isEmpty() && touchesTransactionScope(plans) && (!refusedPlans.isEmpty() || transactionScopeLoss(finals))) {
            connection.rollback(before);
            return reject(ctx, cs, finals, refusedPlans);
        }
        writeVersions(ctx, finals);
        List<ConflictRecord> records = finals.stream().flatMap(p -> p.record.stream()).toList();
        conflicts.record(ctx, records);
        return new ApplyResult(writes.size() - refusedPlans.size(), records.size(), false);
    }

    /**
     * An insert refused because the key exists now: a local transaction inserted the same key after this ChangeSet's
     * rows were loaded (a missing row cannot be locked in advance). That is an {@code insert-exists} conflict, not a
     * constraint failure: judge the change again against the row as it is now and carry out the resolver's decision.
     */
    private Optional<Plan> racedInsert(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, HybridTimestamp initial)
        throws SQLException {
        if (!(p.change instanceof Change.Insert)) {
            return Optional.empty();
        }
        ChangeSet one = new ChangeSet(cs.origin(), cs.sequence(), cs.timestamp(), cs.dependencies(), List.of(p.change));
        LocalRow now = load(ctx, one, initial).get(new TableKey(p.change.table(), p.change.key()));
        if (now == null || now.row().isEmpty()) {
            return Optional.empty();
        }
        Plan again = plan(cs, p.change, now);
        if (again.write.isPresent() && !new RowWriter(connection, ctx).execute(List.of(again.write.get())).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(again);
    }

    /** Transaction scope: nothing of the ChangeSet is written; its row conflicts and one transaction conflict are recorded. */
    private ApplyResult reject(DSLContext ctx, ChangeSet cs, List<Plan> plans, List<Plan> rejected) {
        List<ConflictRecord> records = new ArrayList<>();
        for (Plan p : plans) {
            Optional<Plan> constraint = rejected.stream().filter(r -> r.change == p.change).findFirst();
            constraint.orElse(p).record.ifPresent(r -> records.add(withOutcome(r, Outcome.KEPT_LOCAL, r.status())));
        }
        String table = cs.changes().isEmpty() ? "" : cs.changes().get(0).table();
        records.add(new ConflictRecord(0, config.id(), ConflictType.TRANSACTION, table, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), cs.timestamp(), cs.origin(), cs.id(),
            ConflictScope.TRANSACTION, resolverName(table), Outcome.KEPT_LOCAL, ConflictStatus.NEEDS_REVIEW, now(),
            Optional.of(ChangeSetCodec.toJson(cs))));
        conflicts.record(ctx, records);
        return new ApplyResult(0, records.size(), true);
    }

    private static ConflictRecord withOutcome(ConflictRecord r, Outcome outcome, ConflictStatus status) {
        return new ConflictRecord(r.id(), r.detectedAt(), r.type(), r.table(), r.key(), r.localImage(), r.remoteImage(), r.shadowImage(),
            r.localTimestamp(), r.localOrigin(), r.remoteTimestamp(), r.remoteOrigin(), r.changeSet(), r.scope(), r.resolver(), outcome,
            status, r.detectedTime(), r.detail());
    }

    private boolean transactionScopeLoss(List<Plan> plans) {
        return plans.stream().anyMatch(p -> p.lost() && config.scopeOf(p.change.table()) == ConflictScope.TRANSACTION);
    }

    private boolean touchesTransactionScope(List<Plan> plans) {
        return plans.stream().anyMatch(p -> config.scopeOf(p.change.table()) == ConflictScope.TRANSACTION);
    }

    private void advance(DSLContext ctx, ChangeSet cs, long floor, long appliedN) {
        long n = appliedN + 1;
        long ts = cs.timestamp().asLong();
        String deps = dependencies(cs);
        int updated = ctx.update(APPLIED).set(APPLIED_SEQ, cs.sequence()).set(APPLIED_TS, org.jooq.impl.DSL.greatest(APPLIED_TS, org.jooq.impl.DSL.val(ts)))
            .set(APPLIED_DEPS, deps).where(APPLIED_ORIGIN.eq(cs.origin().value())).execute();
        if (updated == 0) {
            ctx.insertInto(APPLIED).columns(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS)
                .values(cs.origin().value(), cs.sequence(), ts, deps).execute();
        }
        ctx.insertInto(APPLIED_LOG).columns(ALOG_ORIGIN, ALOG_SEQ, ALOG_N).values(cs.origin().value(), cs.sequence(), n).execute();
        // greatest in SQL: the sequencer may have raised the floor since it was read
        ctx.update(CLOCK).set(CLOCK_APPLIED_N, n).set(CLOCK_FLOOR, org.jooq.impl.DSL.greatest(CLOCK_FLOOR, org.jooq.impl.DSL.val(Math.max(floor, ts))))
            .where(CLOCK_ID.eq(1)).execute();
    }

    private static String dependencies(ChangeSet cs) {
        Map<String, Long> deps = new java.util.TreeMap<>();
        cs.dependencies().forEach((origin, seq) -> deps.put(origin.value(), seq));
        return ChangeSetCodec.mapper().valueToTree(deps).toString();
    }

    // ---- planning: detection and resolution of one change --------------------------------------------------------

    private Plan plan(ChangeSet cs, Change c, LocalRow local) {
        BoundTable t = table(c.table());
        Optional<ConflictType> conflict = Detection.detect(c, local);
        if (conflict.isEmpty()) {
            return Plan.clean(c, cleanWrite(t, c), Optional.of(remoteVersion(t, cs, c, local)));
        }
        Conflict subject = new Conflict(conflict.get(), t.name(), c.key(), c, cs.origin(), config.priorityOf(cs.origin()), local.row(),
            local.shadow(), local.timestamp(), local.origin(), local.origin().map(config::priorityOf).orElse(0), config.scopeOf(t.name()));
        if (Detection.sameOutcome(c, local)) {
            boolean remoteNewer = new dev.converge.conflict.TimestampResolver().resolve(subject) instanceof Resolution.ApplyRemote;
            return Plan.clean(c, Optional.empty(), remoteNewer ? Optional.of(remoteVersion(t, cs, c, local)) : Optional.empty());
        }
        Resolution resolution = resolvers.getOrDefault(t.name(), resolvers.get("")).resolve(subject);
        return resolved(t, cs, subject, resolution);
    }

    private Plan resolved(BoundTable t, ChangeSet cs, Conflict subject, Resolution r) {
        Change c = subject.remote();
        LocalRow local = new LocalRow(subject.local(), subject.shadow(), subject.localTimestamp(), subject.localOrigin(), false);
        if (r instanceof Resolution.ApplyRemote) {
            return Plan.conflict(c, remoteWrite(t, c, local), Optional.of(remoteVersion(t, cs, c, local)),
                record(cs, subject, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED));
        }
        if (r instanceof Resolution.Merge merge) {
            RowImage row = t.spec().project(merge.row());
            Optional<RowWriter.Write> w = Optional.of(local.row().isPresent()
                ? new RowWriter.UpdateRow(t, c.key(), row) : new RowWriter.InsertRow(t, row));
            return Plan.conflict(c, w, Optional.of(live(t, cs, c)), record(cs, subject, Outcome.MERGED, ConflictStatus.AUTO_RESOLVED));
        }
        if (r instanceof Resolution.Ignore) {
            return new Plan(c, Optional.empty(), Optional.empty(), Optional.empty(), false);
        }
        boolean park = r instanceof Resolution.Park;
        return Plan.lost(c, record(cs, subject, park ? Outcome.PARKED : Outcome.KEPT_LOCAL,
            park ? ConflictStatus.NEEDS_REVIEW : ConflictStatus.AUTO_RESOLVED));
    }

    private static Optional<RowWriter.Write> cleanWrite(BoundTable t, Change c) {
        if (c instanceof Change.Insert i) {
            return Optional.of(new RowWriter.InsertRow(t, i.row()));
        }
        if (c instanceof Change.Update u) {
            return Optional.of(new RowWriter.UpdateRow(t, u.key(), u.newRow()));
        }
        return Optional.of(new RowWriter.DeleteRow(t, c.key()));
    }

    /** The incoming change made to win: an insert or update over a missing row inserts it, over a present row replaces it. */
    private static Optional<RowWriter.Write> remoteWrite(BoundTable t, Change c, LocalRow local) {
        Optional<RowImage> after = c.after();
        if (after.isEmpty()) {
            return local.row().isPresent() ? Optional.of(new RowWriter.DeleteRow(t, c.key())) : Optional.empty();
        }
        return Optional.of(local.row().isPresent() ? new RowWriter.UpdateRow(t, c.key(), after.get()) : new RowWriter.InsertRow(t, after.get()));
    }

    private RowVersion remoteVersion(BoundTable t, ChangeSet cs, Change c, LocalRow local) {
        if (c.after().isPresent()) {
            return live(t, cs, c);
        }
        RowImage deleted = local.row().orElse(c.before().orElseThrow());
        return RowVersion.tombstone(t.typedKey(c.key()), c.timestamp().asLong(), cs.origin().value(), cs.sequence(),
            ChangeSetCodec.imageToJson(deleted));
    }

    private static RowVersion live(BoundTable t, ChangeSet cs, Change c) {
        return RowVersion.live(t.typedKey(c.key()), c.timestamp().asLong(), cs.origin().value(), cs.sequence());
    }

    private ConflictRecord record(ChangeSet cs, Conflict c, Outcome outcome, ConflictStatus status) {
        Optional<RowImage> remote = c.remote().after().or(() -> c.remote().before());
        return new ConflictRecord(0, config.id(), c.type(), c.table(), Optional.of(c.key()), c.local(), remote, c.shadow(),
            Optional.of(c.localTimestamp()), c.localOrigin(), c.remoteTimestamp(), cs.origin(), cs.id(), c.scope(),
            resolverName(c.table()), outcome, status, now(), Optional.empty());
    }

    private String resolverName(String table) {
        return config.resolverOf(table).toString();
    }

    private Instant now() {
        return Instant.ofEpochMilli(time.currentTimeMillis());
    }

    private BoundTable table(String name) {
        BoundTable t = tables.get(name);
        if (t == null) {
            for (BoundTable candidate : tables.values()) {
                if (candidate.name().equalsIgnoreCase(name)) {
                    return candidate;
                }
            }
            throw new dev.converge.ConvergeException("ChangeSet touches table " + name + ", which this node does not replicate");
        }
        return t;
    }

    private void writeVersions(DSLContext ctx, List<Plan> plans) {
        Map<BoundTable, Map<RowKey, RowVersion>> byTable = new LinkedHashMap<>();
        for (Plan p : plans) {
            p.version.ifPresent(v -> byTable.computeIfAbsent(table(p.change.table()), k -> new LinkedHashMap<>()).put(p.change.key(), v));
        }
        byTable.forEach((t, versions) -> shadows.write(ctx, t.shadow(), new ArrayList<>(versions.values())));
    }

    /**
     * The target refused the row: recorded as a constraint conflict waiting for a person, nothing written. Built here, not
     * in the plan, because the record must name the ChangeSet, its origin, the scope and the resolver like every other.
     */
    private Plan refused(ChangeSet cs, Plan p, String reason) {
        Change change = p.change;
        ConflictRecord r = new ConflictRecord(0, config.id(), ConflictType.CONSTRAINT, table(change.table()).name(), Optional.of(change.key()),
            p.record.flatMap(ConflictRecord::localImage), change.after().or(change::before), p.record.flatMap(ConflictRecord::shadowImage),
            p.record.flatMap(ConflictRecord::localTimestamp), p.record.flatMap(ConflictRecord::localOrigin), change.timestamp(), cs.origin(),
            cs.id(), config.scopeOf(change.table()), resolverName(change.table()), Outcome.PARKED, ConflictStatus.NEEDS_REVIEW, now(),
            Optional.of(reason));
        return new Plan(change, Optional.empty(), Optional.empty(), Optional.of(r), true);
    }

    // ---- loading what this node holds -----------------------------------------------------------------------------

    private record TableKey(String table, RowKey key) {
    }

    private Map<TableKey, LocalRow> load(DSLContext ctx, ChangeSet cs, HybridTimestamp initial) {
        Map<String, List<RowKey>> keysByTable = new LinkedHashMap<>();
        for (Change c : cs.changes()) {
            keysByTable.computeIfAbsent(table(c.table()).name(), k -> new ArrayList<>()).add(c.key());
        }
        Map<String, Map<RowKey, RowImage>> rowsByTable = new HashMap<>();
        for (Map.Entry<String, List<RowKey>> e : keysByTable.entrySet()) {
            rowsByTable.put(e.getKey(), rows(ctx, tables.get(e.getKey()), e.getValue()));
        }
        // a user transaction this apply waited for has committed its rows: its net effect gives them their versions
        outbound.sequence(ctx);
        Map<TableKey, LocalRow> out = new HashMap<>();
        for (Map.Entry<String, List<RowKey>> e : keysByTable.entrySet()) {
            BoundTable t = tables.get(e.getKey());
            Map<RowKey, RowImage> rows = rowsByTable.get(e.getKey());
            Map<RowKey, RowVersion> versions = versions(ctx, t, e.getValue());
            Map<String, Long> localSeqs = localSequences(ctx, versions.values());
            for (Change c : cs.changes()) {
                if (table(c.table()) == t) {
                    out.put(new TableKey(c.table(), c.key()), local(t, cs, rows.get(c.key()), versions.get(c.key()), localSeqs, initial));
                }
            }
        }
        return out;
    }

    private LocalRow local(BoundTable t, ChangeSet cs, RowImage row, RowVersion v, Map<String, Long> localSeqs, HybridTimestamp initial) {
        if (v == null) {
            return new LocalRow(Optional.ofNullable(row), Optional.empty(), initial, Optional.empty(), true);
        }
        Optional<RowImage> shadow = v.deleted() ? v.deletedImage().map(ChangeSetCodec::imageFromJson).map(t::canonical).map(t.spec()::project) : Optional.empty();
        return new LocalRow(Optional.ofNullable(row), shadow, HybridTimestamp.fromLong(v.timestamp()), Optional.of(NodeId.of(v.origin())),
            inCausalPast(v, cs, localSeqs));
    }

    /** Whether the write that made this version had been applied at the ChangeSet's origin when it wrote. */
    private boolean inCausalPast(RowVersion v, ChangeSet cs, Map<String, Long> localSeqs) {
        NodeId origin = NodeId.of(v.origin());
        if (origin.equals(cs.origin())) {
            return true;
        }
        Optional<Long> seq = v.originSequence().or(() -> v.localTransaction().map(localSeqs::get));
        return seq.isPresent() && cs.dependencies().getOrDefault(origin, 0L) >= seq.get();
    }

    private Map<String, Long> localSequences(DSLContext ctx, java.util.Collection<RowVersion> versions) {
        List<String> txs = versions.stream().flatMap(v -> v.localTransaction().stream()).distinct().toList();
        Map<String, Long> out = new HashMap<>();
        if (!txs.isEmpty()) {
            ctx.select(OTX_TX, OTX_SEQ).from(OUTBOX_TX_TABLE).where(OTX_TX.in(txs)).fetch().forEach(r -> out.put(r.value1(), r.value2()));
        }
        return out;
    }

    /**
     * The local rows, locked: a user transaction that has written one of them but not committed is waited for, and its
     * row and version are then judged; without the lock the apply would judge the image committed before and overwrite
     * the user's write without a conflict. Versions are read after the rows, so they are at least as recent.
     */
    private static Map<RowKey, RowImage> rows(DSLContext ctx, BoundTable t, List<RowKey> keys) {
        Map<RowKey, RowImage> out = new HashMap<>();
        List<List<Object>> typed = keys.stream().map(t::typedKey).toList();
        for (int from = 0; from < typed.size(); from += 500) {
            List<List<Object>> chunk = typed.subList(from, Math.min(typed.size(), from + 500));
            for (Record r : ctx.select(t.replicatedFields()).from(t.table()).where(KeyConditions.in(t.keyFields(), chunk)).forUpdate().fetch()) {
                RowImage image = new RowImage(r.intoMap());
                out.put(t.keyOf(image), image);
            }
        }
        return out;
    }

    private Map<RowKey, RowVersion> versions(DSLContext ctx, BoundTable t, List<RowKey> keys) {
        Map<RowKey, RowVersion> out = new HashMap<>();
        for (RowVersion v : shadows.versions(ctx, t.shadow(), keys.stream().map(t::typedKey).toList()).values()) {
            Map<String, Object> key = new LinkedHashMap<>();
            for (int i = 0; i < t.spec().keyColumns().size(); i++) {
                key.put(t.spec().keyColumns().get(i), v.key().get(i));
            }
            out.put(new RowKey(key), v);
        }
        return out;
    }

    // ---- the plan for one change ------------------------------------------------------------------------------------

    /** What will be done for one incoming change: the row write, the version to record, the conflict to record. */
    private record Plan(Change change, Optional<RowWriter.Write> write, Optional<RowVersion> version, Optional<ConflictRecord> record,
                        boolean lost) {
        static Plan clean(Change c, Optional<RowWriter.Write> w, Optional<RowVersion> v) {
            return new Plan(c, w, v, Optional.empty(), false);
        }

        static Plan conflict(Change c, Optional<RowWriter.Write> w, Optional<RowVersion> v, ConflictRecord r) {
            return new Plan(c, w, v, Optional.of(r), false);
        }

        static Plan lost(Change c, ConflictRecord r) {
            return new Plan(c, Optional.empty(), Optional.empty(), Optional.of(r), true);
        }
    }
}
