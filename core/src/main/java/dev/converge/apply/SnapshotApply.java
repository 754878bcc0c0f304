package dev.converge.apply;

import static dev.converge.install.MetaTables.*;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStore;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.resync.SnapshotHeader;
import dev.converge.resync.SnapshotRow;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The target side of a resync: merges a peer's snapshot into this database a page at a time, under the causal rules of
 * apply, then moves the watermarks to the snapshot's position.
 *
 * <p>For each key of a page, with the snapshot's version {@code S} and this node's {@code T}:
 * <ul>
 *   <li>every write of {@code S} is applied here already: this node holds that content or a later one — kept;</li>
 *   <li>every write of {@code T} was applied at the source (or the row has no version here): the snapshot's row is the
 *       later one — taken with its version as it is, so every merge it records stays;</li>
 *   <li>otherwise both changed the row concurrently: the snapshot's row meets this one as an incoming write of its
 *       latest writer that had seen what the snapshot had, and the table's resolver decides, as when the write itself
 *       arrives (the conflict is detected, resolved and recorded by {@link ApplyEngine}).</li>
 * </ul>
 * A row here that the snapshot does not know at all ({@link #removeOrphans}) was deleted at the source and its tombstone
 * purged if the source had every write of it (deleted here too); one written here since is kept (it replicates as
 * usual); one from before replication is kept and recorded for a person.
 *
 * <p>Stateless; every method but {@link #keyPage} (a plain read) runs in the caller's apply transaction (capture off)
 * and locks the clock row first, as apply does, so it never interleaves with an apply of this node. Thread-safe.
 */
public final class SnapshotApply {
    private final NodeId self;
    private final Tables tables;
    private final LocalRows localRows;
    private final ConflictRecords records;
    private final ConflictStore conflicts;
    private final ApplyEngine engine;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    SnapshotApply(NodeId self, Tables tables, LocalRows localRows, ConflictRecords records, ConflictStore conflicts, ApplyEngine engine) {
        this.self = self;
        this.tables = tables;
        this.localRows = localRows;
        this.records = records;
        this.conflicts = conflicts;
        this.engine = engine;
    }

    /** What merging did: rows and tombstones taken from the snapshot, kept here, decided by a resolver, parked. */
    public record Merged(int taken, int kept, int resolved, int conflicts) {
        public static final Merged NONE = new Merged(0, 0, 0, 0);

        public Merged plus(Merged o) {
            return new Merged(taken + o.taken, kept + o.kept, resolved + o.resolved, conflicts + o.conflicts);
        }
    }

    /** Merges one page of {@code table}'s live rows or tombstones (see the class comment). */
    public Merged merge(Connection connection, DSLContext ctx, String table, List<SnapshotRow> page, SnapshotHeader header)
        throws SQLException {
        BoundTable t = tables.get(table);
        HybridTimestamp initial = ApplyEngine.lockClock(ctx).initial();
        Map<String, Long> here = appliedHere(ctx);
        Map<String, Long> seen = header.seen();
        Map<RowKey, LocalRow> locals = localRows.load(ctx, t, page.stream().map(SnapshotRow::key).toList(), initial);
        List<RowWriter.Write> writes = new ArrayList<>();
        List<SnapshotRow> writing = new ArrayList<>();
        List<RowVersion> versions = new ArrayList<>();
        List<ConflictRecord> differences = new ArrayList<>();
        List<SnapshotRow> concurrent = new ArrayList<>();
        int kept = 0;
        int taken = 0;
        for (SnapshotRow r : page) {
            LocalRow local = locals.get(r.key());
            Optional<RowVersion> mine = local.version();
            if (r.version().isEmpty()) { // a row from before replication at the source
                if (local.row().isEmpty() && mine.isEmpty()) {
                    writes.add(new RowWriter.InsertRow(t, r.row().orElseThrow()));
                    writing.add(r);
                    taken++;
                } else if (mine.isEmpty() && !local.row().get().sameAs(r.row().get())) {
                    differences.add(records.snapshotDifference(t, r.key(), local.row().get(), r.row(), header.source(), initial,
                        header.sequence(), "the snapshot of " + header.source() + " holds another row from before replication; this node's row is kept"));
                } else {
                    kept++;
                }
                continue;
            }
            RowVersion theirs = r.version().get();
            if (allIn(theirs, here)) {
                kept++;
            } else if (mine.isEmpty() || allIn(mine.get(), seen)) {
                taking(t, r, local).ifPresent(w -> {
                    writes.add(w);
                    writing.add(r);
                });
                versions.add(typed(t, r.key(), theirs));
                taken++;
            } else {
                concurrent.add(r);
            }
        }
        List<RowWriter.Rejection> rejected = new RowWriter(connection, ctx).execute(writes);
        for (RowWriter.Rejection no : rejected) {
            SnapshotRow r = writing.get(no.index());
            r.version().ifPresent(v -> versions.removeIf(x -> t.keyOf(x.key()).equals(r.key())));
            concurrent.add(r); // the target refuses it as it is: apply judges and records it
            taken--;
        }
        shadows.write(ctx, t.shadow(), versions);
        conflicts.record(ctx, differences);
        int resolved = 0;
        int recorded = differences.size();
        for (SnapshotRow r : concurrent) {
            if (r.version().isEmpty()) {
                conflicts.record(ctx, List.of(records.snapshotDifference(t, r.key(), locals.get(r.key()).row().orElse(r.row().get()), r.row(),
                    header.source(), initial, header.sequence(), "this node refused the snapshot's row from before replication")));
                recorded++;
                continue;
            }
            ApplyResult result = engine.applyOutOfOrder(connection, ctx, asWrite(t, r, locals.get(r.key()), seen));
            resolved++;
            recorded += result.conflicts();
        }
        return new Merged(taken, kept, resolved, recorded);
    }

    /**
     * One page of {@code table}'s keys here, in key order after {@code after}: what the orphan pass asks the source
     * about. A plain read, outside any apply transaction, so that asking the source (over the network) holds no lock;
     * {@link #removeOrphans} judges the keys the source does not know under the clock lock, reading them again.
     */
    public List<RowKey> keyPage(DSLContext ctx, String table, Optional<RowKey> after, int limit) {
        BoundTable t = tables.get(table);
        return RowReader.page(ctx, t, DSL.noCondition(), after.map(t::typedKey), limit).stream().map(t::keyOf).toList();
    }

    /**
     * Judges rows here that the snapshot does not know ({@code unknown}, keys of {@code table} the source answered it
     * does not hold, live or as a tombstone): one whose every write the source had was deleted there (and its tombstone
     * purged), so it goes here too; one written here since the source's position is kept (it replicates as usual); one
     * from before replication is kept and recorded for a person; one gone since the keys were read is skipped. Adds the
     * rows deleted to {@code removed[0]}.
     */
    public void removeOrphans(Connection connection, DSLContext ctx, String table, List<RowKey> unknown, SnapshotHeader header,
                              int[] removed) throws SQLException {
        if (unknown.isEmpty()) {
            return;
        }
        BoundTable t = tables.get(table);
        HybridTimestamp initial = ApplyEngine.lockClock(ctx).initial();
        Map<RowKey, LocalRow> locals = localRows.load(ctx, t, unknown, initial);
        Map<String, Long> seen = header.seen();
        List<RowWriter.Write> deletes = new ArrayList<>();
        List<ConflictRecord> differences = new ArrayList<>();
        for (RowKey k : unknown) {
            LocalRow local = locals.get(k);
            if (local.row().isEmpty()) {
                continue;
            }
            if (local.version().isEmpty()) {
                differences.add(records.snapshotDifference(t, k, local.row().get(), Optional.empty(), header.source(), initial,
                    header.sequence(), "only this node holds this row, from before replication: kept here, not replicated"));
            } else if (allIn(local.version().get(), seen)) {
                deletes.add(new RowWriter.DeleteRow(t, k)); // the source had it, deleted it, and forgot the tombstone
            }
        }
        List<RowWriter.Rejection> refused = new RowWriter(connection, ctx).execute(deletes);
        for (RowWriter.Rejection no : refused) {
            RowKey k = ((RowWriter.DeleteRow) deletes.get(no.index())).key();
            differences.add(records.snapshotDifference(t, k, locals.get(k).row().get(), Optional.empty(), header.source(), initial,
                header.sequence(), "deleted at " + header.source() + ", but this node refuses to delete it: " + no.reason()));
        }
        conflicts.record(ctx, differences);
        removed[0] += deletes.size() - refused.size();
    }

    /**
     * Moves this node's watermarks to the snapshot's position where they are behind it — per origin the source's, and
     * the source's own last sequence — with its applied log and clock floor, so replication continues from there: a
     * ChangeSet at or below a watermark that arrives again is recognised as applied. Stored ChangeSets that are now
     * applied leave the inbox. Returns the origins moved.
     */
    public List<NodeId> advance(DSLContext ctx, SnapshotHeader header) {
        ApplyEngine.lockClock(ctx);
        var clock = ctx.select(CLOCK_APPLIED_N, CLOCK_FLOOR).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne();
        long n = clock.value1();
        Map<NodeId, SnapshotHeader.Applied> marks = new HashMap<>(header.applied());
        marks.put(header.source(), new SnapshotHeader.Applied(header.sequence(), header.maxTimestamp(), "{}"));
        Map<String, Long> here = appliedHere(ctx);
        List<NodeId> moved = new ArrayList<>();
        for (Map.Entry<NodeId, SnapshotHeader.Applied> e : marks.entrySet()) {
            NodeId origin = e.getKey();
            SnapshotHeader.Applied a = e.getValue();
            if (origin.equals(self) || a.sequence() <= here.getOrDefault(origin.value(), 0L)) {
                continue;
            }
            int updated = ctx.update(APPLIED).set(APPLIED_SEQ, a.sequence()).set(APPLIED_TS, DSL.greatest(APPLIED_TS, DSL.val(a.timestamp())))
                .set(APPLIED_DEPS, a.dependencies()).where(APPLIED_ORIGIN.eq(origin.value())).execute();
            if (updated == 0) {
                ctx.insertInto(APPLIED).columns(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS)
                    .values(origin.value(), a.sequence(), a.timestamp(), a.dependencies()).execute();
            }
            n++;
            ctx.insertInto(APPLIED_LOG).columns(ALOG_ORIGIN, ALOG_SEQ, ALOG_N).values(origin.value(), a.sequence(), n).execute();
            ctx.deleteFrom(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.le(a.sequence())).execute();
            ctx.deleteFrom(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.le(a.sequence())).execute();
            moved.add(origin);
        }
        ctx.update(CLOCK).set(CLOCK_APPLIED_N, n).set(CLOCK_FLOOR, DSL.greatest(CLOCK_FLOOR, DSL.val(header.maxTimestamp())))
            .where(CLOCK_ID.eq(1)).execute();
        return moved;
    }

    /** The write a snapshot row makes here, if any (a tombstone of a row this node does not hold writes nothing). */
    private static Optional<RowWriter.Write> taking(BoundTable t, SnapshotRow r, LocalRow local) {
        if (r.tombstone()) {
            return local.row().isPresent() ? Optional.of(new RowWriter.DeleteRow(t, r.key())) : Optional.empty();
        }
        RowImage row = r.row().get();
        if (local.row().isPresent()) {
            return local.row().get().sameAs(row) ? Optional.empty() : Optional.of(new RowWriter.UpdateRow(t, r.key(), row));
        }
        return Optional.of(new RowWriter.InsertRow(t, row));
    }

    /**
     * The snapshot row as an incoming write of its latest writer that had seen everything the snapshot had (but its
     * own later writes): what it would have been had it arrived as a ChangeSet, for apply to judge against this row.
     */
    private static ChangeSet asWrite(BoundTable t, SnapshotRow r, LocalRow local, Map<String, Long> seen) {
        RowVersion v = r.version().get();
        HybridTimestamp ts = HybridTimestamp.fromLong(v.timestamp());
        NodeId origin = NodeId.of(v.origin());
        Map<NodeId, Long> deps = new HashMap<>();
        seen.forEach((o, s) -> {
            if (!o.equals(v.origin())) {
                deps.put(NodeId.of(o), s);
            }
        });
        Change change;
        if (r.tombstone()) {
            // the delete's own image, as a tombstone keeps it on every peer (see Versions.written)
            RowImage before = v.deletedImage().map(ChangeSetCodec::imageFromJson).map(t.spec()::project).or(local::row).orElseThrow();
            change = new Change.Delete(t.name(), r.key(), before, ts);
        } else if (local.row().isPresent()) {
            change = new Change.Update(t.name(), r.key(), local.row().get(), r.row().get(), ts);
        } else {
            change = new Change.Insert(t.name(), r.key(), r.row().get(), ts);
        }
        return new ChangeSet(origin, v.originSequence().orElseThrow(), ts, deps, List.of(change));
    }

    /** Whether every write of {@code v} is among {@code applied} (origin to highest sequence); a write without a sequence is not. */
    private static boolean allIn(RowVersion v, Map<String, Long> applied) {
        if (v.originSequence().isEmpty()) {
            return false;
        }
        return v.writes().entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue().sequence());
    }

    /** What this node has applied, per origin name, its own writes included (all of them are here). */
    private Map<String, Long> appliedHere(DSLContext ctx) {
        Map<String, Long> out = new HashMap<>();
        ctx.select(APPLIED_ORIGIN, APPLIED_SEQ).from(APPLIED).fetch().forEach(r -> out.put(r.value1(), r.value2()));
        out.put(self.value(), Long.MAX_VALUE);
        return out;
    }

    /** The version with this database's typed key, as the shadow table stores it. */
    private static RowVersion typed(BoundTable t, RowKey key, RowVersion v) {
        return new RowVersion(t.typedKey(key), v.timestamp(), v.origin(), v.originSequence(), Optional.empty(), v.deleted(),
            v.deletedImage(), v.concurrent(), v.columns(), v.decision(), v.lineage());
    }

}
