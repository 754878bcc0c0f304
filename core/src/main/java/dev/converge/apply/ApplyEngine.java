package dev.converge.apply;

import static dev.converge.install.MetaTables.*;

import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.decision.DecisionAudit;
import dev.converge.dialect.Savepoints;
import dev.converge.dialect.SqlFailures;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowKey;
import dev.converge.queue.OutboundQueue;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * Applies one incoming ChangeSet inside the caller's database transaction, in stages: load the local rows and versions
 * of every key it touches ({@link LocalRows}), detect and resolve conflicts ({@link Planner}), write rows, shadow
 * versions ({@link RowWriter}) and conflict records ({@link ConflictRecords}) in batches, and advance the origin's
 * watermark, the applied count and the hybrid clock's floor — all in that one transaction, so a ChangeSet is applied
 * exactly once or not at all.
 *
 * <p>The caller (the node's inbound side) guarantees the preconditions: capture is switched off for the transaction
 * (no echo), the ChangeSet is the origin's next one, and its causal dependencies are applied. When {@link #apply}
 * throws, the caller rolls back and, unless the failure was transient, contains it with {@link #applyRowByRow} or
 * {@link #fail}. Thread-safe (no mutable state); applies on one database are serialised by the lock on its clock row,
 * which a sequencer does not take (see {@link Sequencing}).
 */
public final class ApplyEngine {
    private final NodeConfig config;
    private final Tables tables;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final ConflictStore conflicts;
    private final ConflictRecords records;
    private final LocalRows localRows;
    private final Sequencing sequencing;
    private final OutboundQueue outbound;
    private final Planner planner;
    private final UniqueCollisions collisions;
    private final ForeignKeyConflicts foreignKeys;
    private final RunApply runs;

    /**
     * How an apply has every local transaction that committed before the call sequenced, and its versions visible to
     * the apply's transaction, before it judges the rows it has locked: sequencing gives local writes their versions.
     *
     * <p>In the apply's own transaction ({@link #inTransaction}) the apply holds the sequencer's lock from then until it
     * commits, and the node's sequencing (and with it delivery) waits for the apply. A node therefore sequences in a
     * transaction of its own, on another connection, committed before the call returns; the apply, which holds the
     * clock row, may wait for that transaction, because a sequencer never waits for the clock row nor for a row the
     * apply has locked (it handles committed transactions only, and one that wrote a row the apply has locked committed
     * before the apply locked it, so this call sequences it before the apply writes the row's version).
     */
    @FunctionalInterface
    public interface Sequencing {
        /** Sequences every local transaction committed before the call; {@code applying} is the apply's transaction. */
        void sequenceCommitted(DSLContext applying);

        /** In the apply's transaction: correct everywhere, but the node's sequencing waits for the apply to commit. */
        static Sequencing inTransaction(OutboundQueue outbound) {
            return outbound::sequence;
        }
    }

    /**
     * @param outbound this node's outbound queue: local transactions that committed while the apply waited for its row
     *     locks are sequenced before their rows are judged, since sequencing gives local writes their versions (in the
     *     apply's transaction: see {@link Sequencing})
     */
    public ApplyEngine(NodeConfig config, List<BoundTable> boundTables, Map<String, ConflictResolver> resolvers, TimeSource time,
                       OutboundQueue outbound) {
        this(config, boundTables, resolvers, time, outbound, Sequencing.inTransaction(outbound));
    }

    /**
     * @param outbound this node's outbound queue, whose horizon the apply reads through its cache
     * @param sequencing how an apply has the local transactions committed before it sequenced (see {@link Sequencing})
     */
    public ApplyEngine(NodeConfig config, List<BoundTable> boundTables, Map<String, ConflictResolver> resolvers, TimeSource time,
                       OutboundQueue outbound, Sequencing sequencing) {
        this.config = config;
        this.tables = new Tables(boundTables);
        this.conflicts = new ConflictStore(config.id());
        this.records = new ConflictRecords(config, tables, time);
        this.sequencing = sequencing;
        this.outbound = outbound;
        this.localRows = new LocalRows(tables, sequencing);
        this.planner = new Planner(config, tables, resolvers, records, outbound.horizon());
        this.collisions = new UniqueCollisions(tables, localRows, planner, records, conflicts);
        this.foreignKeys = new ForeignKeyConflicts(tables, localRows, planner, records, conflicts);
        this.runs = new RunApply(config, tables, localRows, planner);
    }

    /**
     * Applies the leading ChangeSets of {@code run} — consecutive ChangeSets of one origin, each its origin's next and
     * with its dependencies met — as one set-based unit (see {@link RunApply}): their keys loaded once, each judged
     * exactly as alone, their rows, versions and conflict records written once per table, the watermark, applied log
     * and clock advanced once. Returns how many it applied: none (and nothing written) when the first cannot go in a
     * run; fewer than all when one of them must be judged alone. Throws, and the caller must roll back and apply the run
     * one by one, when the target refuses one of the rows or writes one otherwise than the run judged it: refused rows
     * are settled and recorded per ChangeSet there, and nothing of the run stays.
     */
    public int applyRun(Connection connection, DSLContext ctx, List<ChangeSet> run) throws SQLException {
        if (run.isEmpty() || !runs.suitable(run.get(0))) {
            return 0;
        }
        ClockRow clock = begin(ctx);
        RunApply.Planned planned = runs.plan(ctx, run, clock.initial(), sequencing);
        if (planned.count() == 0) {
            return 0;
        }
        List<RowWriter.Rejection> refused = new RowWriter(connection, ctx).execute(planned.writes());
        if (!refused.isEmpty()) {
            throw new RunApply.Diverged("the target refused " + refused.size() + " row(s) of a run, first: " + refused.get(0).reason());
        }
        runs.verify(ctx, planned);
        planned.versions().forEach((t, versions) -> shadows.write(ctx, t.shadow(), new ArrayList<>(versions.values())));
        conflicts.record(ctx, planned.records());
        advance(ctx, run.subList(0, planned.count()), clock);
        return planned.count();
    }

    /** The target side of a resync, merging a peer's snapshot with this engine's tables, resolvers and records. */
    public SnapshotApply snapshots() {
        return new SnapshotApply(config.id(), tables, localRows, records, conflicts, this);
    }

    /** Applies {@code cs} whole (rows a resolver or the target refuses are left out and recorded) and advances its watermark. */
    public ApplyResult apply(Connection connection, DSLContext ctx, ChangeSet cs) throws SQLException {
        ClockRow clock = begin(ctx);
        ApplyResult result = applyChanges(connection, ctx, cs, clock.initial(), null);
        advance(ctx, cs, clock);
        return result;
    }

    /**
     * Applies {@code cs} as {@link #apply} does — conflicts detected, resolved and recorded — but leaves its origin's
     * watermark, the applied log and the clock alone: for a write that reaches this node outside its origin's order,
     * a snapshot row that the target changed concurrently (see {@link SnapshotApply}).
     */
    ApplyResult applyOutOfOrder(Connection connection, DSLContext ctx, ChangeSet cs) throws SQLException {
        return applyChanges(connection, ctx, cs, begin(ctx).initial(), null);
    }

    /**
     * Applies a ChangeSet that travelled in {@code count} parts ({@link ChangeSet#part()}) as one: part by part, in
     * the caller's one transaction, so memory holds one part at a time and the transaction is applied whole or, at
     * transaction scope, not at all. {@code first} is part 1; {@code parts} supplies the others (2 to {@code count}).
     * A loss at transaction scope in any part rolls back what the earlier parts wrote and records the conflicts of
     * every part and one transaction conflict.
     */
    public ApplyResult apply(Connection connection, DSLContext ctx, ChangeSet first, int count, IntFunction<ChangeSet> parts)
        throws SQLException {
        if (count == 1) {
            return apply(connection, ctx, first);
        }
        ClockRow clock = begin(ctx);
        Savepoint start = Savepoints.set(connection);
        int written = 0;
        int recorded = 0;
        List<Deferred> deferred = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                ChangeSet cs = i == 1 ? first : parts.apply(i);
                ApplyResult r = applyChanges(connection, ctx, cs, clock.initial(), deferred);
                written += r.rowsWritten();
                recorded += r.conflicts();
            }
            int refused = settleDeferred(connection, ctx, deferred, clock.initial());
            written += deferred.size() - refused;
            recorded += refused;
            Savepoints.keep(connection, start);
        } catch (PartRejected rejected) {
            Savepoints.undo(connection, start);
            ApplyResult r = rejectParts(ctx, first, count, parts, clock.initial(), rejected.refused);
            advance(ctx, first, clock);
            return r;
        }
        advance(ctx, first, clock);
        return new ApplyResult(written, recorded, false);
    }

    /**
     * A row of a ChangeSet in parts that the target refused, kept for after the last part: the order the origin's
     * constraints relied on may cross a part boundary (a parent inserted in a later part, a row freed by a later
     * delete). Holds the row's change alone, not its part.
     */
    private record Deferred(ChangeSet cs, Plan plan) {
    }

    /**
     * Writes the deferred rows again, now that every part is written (settling them as one ChangeSet's rows are
     * settled); a row still refused by a foreign key between concurrent writes is decided as in a whole ChangeSet
     * ({@link ForeignKeyConflicts}), now that the order within the transaction is no longer what refuses it. Records
     * the others still refused as constraint conflicts, or rejects the whole ChangeSet if a row that lost or stays
     * refused is of a table at transaction scope. Returns how many are not written.
     */
    private int settleDeferred(Connection connection, DSLContext ctx, List<Deferred> deferred, HybridTimestamp initial) throws SQLException {
        if (deferred.isEmpty()) {
            return 0;
        }
        List<RowWriter.Rejection> still = new RowWriter(connection, ctx).execute(deferred.stream().map(d -> d.plan().write().orElseThrow()).toList());
        Map<Integer, Plan> judged = new java.util.HashMap<>();
        List<ConflictRecord> recorded = new ArrayList<>();
        List<ConflictRecord> lost = new ArrayList<>();
        int notWritten = 0;
        boolean transactionScope = false;
        for (RowWriter.Rejection r : still) {
            Deferred d = deferred.get(r.index());
            Plan p = foreignKeys.settle(connection, ctx, d.cs(), d.plan(), initial).orElseGet(() -> refused(d.cs(), d.plan(), r.reason()));
            judged.put(r.index(), p);
            p.record().ifPresent(recorded::add);
            if (p.lost() || p.record().isEmpty()) {
                notWritten++; // lost, parked, or dropped unrecorded (ignore)
            }
            if (p.lost()) {
                p.record().ifPresent(lost::add);
                transactionScope |= config.scopeOf(d.plan().change().table()) == ConflictScope.TRANSACTION;
            }
        }
        if (transactionScope) {
            throw new PartRejected(lost.stream().map(r -> r.withOutcome(Outcome.KEPT_LOCAL, r.status())).toList());
        }
        List<Plan> settled = new ArrayList<>();
        for (int i = 0; i < deferred.size(); i++) {
            settled.add(judged.getOrDefault(i, deferred.get(i).plan()));
        }
        writeVersions(ctx, settled);
        conflicts.record(ctx, recorded);
        return notWritten;
    }

    /**
     * Containment at row scope, after {@link #apply} failed: applies each change of {@code cs} on its own (under a
     * savepoint); a change that fails is left out and recorded as a parked {@code error} conflict carrying the error.
     * Then advances the watermark. A transient failure is thrown, not recorded.
     */
    public ApplyResult applyRowByRow(Connection connection, DSLContext ctx, ChangeSet cs) throws SQLException {
        return applyRowByRow(connection, ctx, cs, 1, i -> cs);
    }

    /** {@link #applyRowByRow(Connection, DSLContext, ChangeSet)} for a ChangeSet in {@code count} parts. */
    public ApplyResult applyRowByRow(Connection connection, DSLContext ctx, ChangeSet first, int count, IntFunction<ChangeSet> parts)
        throws SQLException {
        ClockRow clock = begin(ctx);
        int written = 0;
        int recorded = 0;
        for (int i = 1; i <= count; i++) {
            ChangeSet cs = i == 1 ? first : parts.apply(i);
            ApplyResult r = rowByRow(connection, ctx, cs, clock);
            written += r.rowsWritten();
            recorded += r.conflicts();
        }
        advance(ctx, first, clock);
        return new ApplyResult(written, recorded, false);
    }

    private ApplyResult rowByRow(Connection connection, DSLContext ctx, ChangeSet cs, ClockRow clock) throws SQLException {
        int written = 0;
        int recorded = 0;
        List<ConflictRecord> errors = new ArrayList<>();
        for (Change c : cs.changes()) {
            ChangeSet one = cs.withChanges(List.of(c));
            Savepoint before = Savepoints.set(connection);
            try {
                ApplyResult r = applyChanges(connection, ctx, one, clock.initial(), null);
                written += r.rowsWritten();
                recorded += r.conflicts();
                Savepoints.keep(connection, before);
            } catch (SQLException | RuntimeException e) {
                if (SqlFailures.isTransient(e)) {
                    throw e;
                }
                Savepoints.undo(connection, before);
                errors.add(records.refused(cs, Plan.ignored(c), ConflictType.ERROR, ConflictRecords.describe(e)));
            }
        }
        conflicts.record(ctx, errors);
        return new ApplyResult(written, recorded + errors.size(), false);
    }

    /**
     * Containment of a whole ChangeSet: nothing of it is written; it is recorded as one parked {@code error} conflict
     * carrying the error and the ChangeSet, and its watermark advances so the origin's later ChangeSets go on.
     */
    public ApplyResult fail(DSLContext ctx, ChangeSet cs, Throwable error) {
        ClockRow clock = lockClock(ctx);
        conflicts.record(ctx, List.of(records.wholeChangeSet(summary(cs), ConflictType.ERROR, Optional.of(ConflictRecords.describe(error)))));
        advance(ctx, cs, clock);
        return new ApplyResult(0, 1, true);
    }

    /**
     * Whether {@code cs} may be applied ahead of the run before it ({@link #applyRunAhead}): it can go in a run and
     * touches only tables whose rows no constraint checks against other rows (see {@link RunApply#apart}).
     */
    public boolean canApplyAhead(ChangeSet cs) {
        return runs.apart(cs);
    }

    /**
     * Applies all of {@code run} as {@link #applyRun} does, on a connection of its own while another transaction of
     * this node still applies the run of the same origin before it (ending just before {@code run}'s first ChangeSet),
     * over other keys: the two overlap, so that the database works on one while this node plans the other. It locks,
     * reads and judges its rows and writes them and their versions without the clock row; then it waits, in Java, for
     * the run before to end ({@code before}), and only if that run left the watermark just before {@code run} does it
     * lock the clock row and advance the watermark, the applied log and the clock, so that it commits after it.
     *
     * <p>While it waits it holds its rows' locks, which no one else may then wait for: a transaction waiting for one of
     * them could also hold what the run before waits for, a deadlock the database cannot see (this wait is in Java). So
     * every {@value #AHEAD_POLL_MILLIS} ms it looks whether anyone waits for a lock it holds, and if so gives up: the
     * waiting transaction goes on as if nothing had been applied ahead, and the run is applied in turn.
     *
     * <p>The caller must ensure that the keys differ from the run before's and that {@link #canApplyAhead} holds for
     * every ChangeSet. Throws {@link Abandoned}, and the caller rolls back and applies {@code run} in turn, when it cannot
     * be applied so: a table it writes has a trigger (a user's trigger could see or order its rows otherwise than in
     * turn; a foreign key from a table Converge does not replicate has the database's own), a local transaction waits
     * to be sequenced (an ahead apply cannot sequence it: the pass takes the sequencer, which must come after the clock
     * row), a conflict, a row the target refuses or writes otherwise, fewer than all of it in a run, someone waiting for
     * its locks, or the run before did not commit all of its ChangeSets.
     */
    public int applyRunAhead(Connection connection, DSLContext ctx, List<ChangeSet> run, RunBefore before) throws SQLException {
        String[] names = run.stream().flatMap(cs -> cs.changes().stream()).map(c -> tables.get(c.table()).name()).distinct().toArray(String[]::new);
        if (ctx.fetchExists(DSL.selectOne().from("pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid").where(
            "c.relnamespace = to_regnamespace(current_schema())::oid AND c.relname = ANY({0}) AND g.tgname NOT LIKE 'cv\\_%'", DSL.val(names)))) {
            throw new Abandoned("a table it writes has a trigger of its own");
        }
        HybridTimestamp initial = HybridTimestamp.fromLong(ctx.select(CLOCK_INITIAL).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_INITIAL));
        RunApply.Planned planned = runs.plan(ctx, run, initial, locked -> {
            // after its rows are locked: nothing committed unsequenced can have written them unseen
            if (!outbound.nothingWaits(locked)) {
                throw new Abandoned("a local transaction waits to be sequenced");
            }
        });
        if (planned.count() != run.size() || !planned.records().isEmpty()) {
            throw new Abandoned(planned.records().isEmpty() ? "only part of it goes in a run" : "it meets a conflict");
        }
        List<RowWriter.Rejection> refused = new RowWriter(connection, ctx).execute(planned.writes());
        if (!refused.isEmpty()) {
            throw new Abandoned("the target refused a row: " + refused.get(0).reason());
        }
        runs.verify(ctx, planned);
        planned.versions().forEach((t, versions) -> shadows.write(ctx, t.shadow(), new ArrayList<>(versions.values())));
        try {
            while (!before.awaitEnd(AHEAD_POLL_MILLIS)) {
                if (ctx.fetchExists(DSL.selectOne().from("pg_stat_activity a").where("pg_backend_pid() = ANY (pg_blocking_pids(a.pid))"))) {
                    throw new Abandoned("another transaction waits for a row it holds");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Abandoned("interrupted while it waited for the run before it");
        }
        ClockRow clock = lockClock(ctx);
        ChangeSet first = run.get(0);
        Long watermark = ctx.select(APPLIED_SEQ).from(APPLIED).where(APPLIED_ORIGIN.eq(first.origin().value())).fetchOne(APPLIED_SEQ);
        if ((watermark == null ? 0 : watermark) != first.sequence() - 1) {
            throw new Abandoned("the run before it did not commit all of its ChangeSets");
        }
        advance(ctx, run, clock);
        return run.size();
    }

    /** How often an apply ahead waiting for the run before it looks whether anyone waits for its locks. */
    static final long AHEAD_POLL_MILLIS = 5;

    /** The end of the run an apply ahead follows ({@link #applyRunAhead}), committed or rolled back. */
    @FunctionalInterface
    public interface RunBefore {
        /** Waits up to {@code millis} for the run before to end; true once it has. */
        boolean awaitEnd(long millis) throws InterruptedException;
    }

    /** An apply ahead ({@link #applyRunAhead}) cannot go on: the caller rolls it back and applies its run in turn. */
    public static final class Abandoned extends RuntimeException {
        Abandoned(String why) {
            super(why, null, false, false);
        }
    }

    // ---- the stages ------------------------------------------------------------------------------------------------

    /**
     * Plans and writes {@code cs}. {@code deferred} is null for a whole ChangeSet: a loss at transaction scope is
     * recorded here. For one part of a ChangeSet in parts it collects the rows the target refused, to be written again
     * after the last part, and a loss at transaction scope is thrown as {@link PartRejected} (the caller undoes the
     * other parts).
     */
    private ApplyResult applyChanges(Connection connection, DSLContext ctx, ChangeSet cs, HybridTimestamp initial, List<Deferred> deferred)
        throws SQLException {
        boolean whole = deferred == null;
        List<Plan> plans = plan(ctx, cs, initial);
        if (transactionScopeLoss(plans)) {
            if (!whole) {
                throw new PartRejected(List.of());
            }
            return reject(ctx, cs, plans, List.of());
        }
        return write(connection, ctx, cs, plans, initial, deferred);
    }

    private List<Plan> plan(DSLContext ctx, ChangeSet cs, HybridTimestamp initial) {
        Map<LocalRows.TableKey, LocalRow> locals = localRows.load(ctx, cs, initial);
        List<Plan> plans = new ArrayList<>();
        for (Change c : cs.changes()) {
            plans.add(planner.plan(cs, c, locals.get(LocalRows.TableKey.of(c)), ctx));
        }
        return plans;
    }

    /** A part of a ChangeSet in parts lost at transaction scope: the whole ChangeSet is rejected (see {@link #apply}). */
    private static final class PartRejected extends RuntimeException {
        private final List<ConflictRecord> refused;

        PartRejected(List<ConflictRecord> refused) {
            super(null, null, false, false);
            this.refused = refused;
        }
    }

    /**
     * Transaction scope, for a ChangeSet in parts: nothing of it is written; the row conflicts of every part (planned
     * again, a part at a time), the rows the target refused and one transaction conflict are recorded.
     */
    private ApplyResult rejectParts(DSLContext ctx, ChangeSet first, int count, IntFunction<ChangeSet> parts, HybridTimestamp initial,
                                    List<ConflictRecord> refused) {
        int recorded = refused.size();
        conflicts.record(ctx, refused);
        for (int i = 1; i <= count; i++) {
            ChangeSet cs = i == 1 ? first : parts.apply(i);
            List<Plan> planned = plan(ctx, cs, initial);
            List<ConflictRecord> rows = planned.stream().flatMap(p -> p.record().stream())
                .map(r -> r.withOutcome(Outcome.KEPT_LOCAL, r.status())).toList();
            conflicts.record(ctx, rows);
            writeRejectedVersions(ctx, planned);
            recorded += rows.size();
        }
        conflicts.record(ctx, List.of(records.wholeChangeSet(summary(first), ConflictType.TRANSACTION, Optional.empty())));
        return new ApplyResult(0, recorded + 1, true);
    }

    /**
     * What a whole-ChangeSet record keeps of {@code cs}: all of it, or for one part of a ChangeSet in parts, its
     * identity and first change only (a record must not hold a transaction too large for memory; the rows' own
     * conflicts are recorded one by one).
     */
    private static ChangeSet summary(ChangeSet cs) {
        return cs.part().isEmpty() || cs.changes().isEmpty() ? cs : cs.withChanges(cs.changes().subList(0, 1));
    }

    private ApplyResult write(Connection connection, DSLContext ctx, ChangeSet cs, List<Plan> plans, HybridTimestamp initial,
                              List<Deferred> deferred) throws SQLException {
        return write(connection, ctx, cs, plans, initial, deferred, new java.util.IdentityHashMap<>());
    }

    /**
     * {@link #write(Connection, DSLContext, ChangeSet, List, HybridTimestamp, List)}, with {@code refusedDeletes} (by
     * identity of the change, with the reason) parked before anything is judged: parent deletes that won over rows
     * written concurrently here and took them, and that the target then refused (a table Converge does not replicate
     * restricts them). Such a refusal undoes the whole write and starts it again with that delete parked, so that the
     * rows it took stay as they were: nothing of the decision is half-applied. Each round parks one more delete.
     */
    private ApplyResult write(Connection connection, DSLContext ctx, ChangeSet cs, List<Plan> plans, HybridTimestamp initial,
                              List<Deferred> deferred, Map<Change, String> refusedDeletes) throws SQLException {
        boolean whole = deferred == null;
        Savepoint before = Savepoints.set(connection);
        // a cascading or nulling key would let the database act on rows written concurrently here, unjudged
        ForeignKeyConflicts.Judged judgedDeletes = foreignKeys.beforeDeletes(connection, ctx, cs, plans, initial, refusedDeletes);
        List<Plan> judged = judgedDeletes.plans();
        if (judged != plans && transactionScopeLoss(judged)) {
            Savepoints.undo(connection, before);
            if (!whole) {
                throw new PartRejected(judged.stream().filter(Plan::lost).flatMap(p -> p.record().stream())
                    .map(r -> r.withOutcome(Outcome.KEPT_LOCAL, r.status())).toList());
            }
            return reject(ctx, cs, judged, List.of());
        }
        List<Plan> originals = plans;
        plans = judged;
        List<RowWriter.Write> writes = new ArrayList<>();
        List<Plan> writers = new ArrayList<>();
        for (Plan p : plans) {
            p.write().ifPresent(w -> {
                writes.add(w);
                writers.add(p);
            });
        }
        List<RowWriter.Rejection> rejections = new RowWriter(connection, ctx).execute(writes);
        for (RowWriter.Rejection r : rejections) {
            Plan p = writers.get(r.index());
            if (judgedDeletes.acted().contains(p.change())) {
                String why = foreignKeys.refusedAfterJudging(ctx, p, r.reason());
                Savepoints.undo(connection, before);
                Map<Change, String> again = new java.util.IdentityHashMap<>(refusedDeletes);
                again.put(p.change(), why);
                return write(connection, ctx, cs, originals, initial, deferred, again);
            }
        }
        List<Plan> finals = new ArrayList<>(plans);
        List<Plan> refusedPlans = new ArrayList<>();
        int kept = 0;
        Map<LocalRows.TableKey, LocalRow> now = insertedMeanwhile(ctx, cs, rejections.stream().map(r -> writers.get(r.index())).toList(), initial);
        for (RowWriter.Rejection r : rejections) {
            Plan p = writers.get(r.index());
            Optional<Plan> raced = racedInsert(connection, ctx, cs, p, now.get(LocalRows.TableKey.of(p.change())));
            // a part's refused row may be settled by a later part: collisions are judged for whole ChangeSets only
            Optional<Plan> collided = raced.isPresent() || !whole ? Optional.empty() : collisions.settle(connection, ctx, cs, p, initial);
            Optional<Plan> orphaned = raced.isPresent() || collided.isPresent() || !whole ? Optional.empty()
                : foreignKeys.settle(connection, ctx, cs, p, initial);
            Plan replanned = raced.or(() -> collided).or(() -> orphaned).orElseGet(() -> refused(cs, p, r.reason()));
            if (!whole && replanned.lost() && replanned.record().map(x -> x.type() == ConflictType.CONSTRAINT).orElse(false)) {
                deferred.add(new Deferred(cs.withChanges(List.of(p.change())), p)); // its order may lie in a later part
                finals.remove(finals.indexOf(p));
                kept++;
                continue;
            }
            finals.set(finals.indexOf(p), replanned);
            if (replanned.lost() && replanned.record().map(x -> x.type() == ConflictType.CONSTRAINT).orElse(false)) {
                refusedPlans.add(replanned);
            }
        }
        if (!rejections.isEmpty() && touchesTransactionScope(plans) && (!refusedPlans.isEmpty() || transactionScopeLoss(finals))) {
            Savepoints.undo(connection, before);
            if (!whole) {
                throw new PartRejected(refusedPlans.stream().flatMap(p -> p.record().stream())
                    .map(r -> r.withOutcome(Outcome.KEPT_LOCAL, r.status())).toList());
            }
            return reject(ctx, cs, finals, refusedPlans);
        }
        foreignKeys.restoreRevived(connection, ctx, cs, finals);
        Savepoints.keep(connection, before);
        writeVersions(ctx, finals);
        List<ConflictRecord> recorded = finals.stream().flatMap(p -> p.record().stream()).toList();
        conflicts.record(ctx, recorded);
        return new ApplyResult(writes.size() - refusedPlans.size() - kept, recorded.size(), false);
    }

    /** The target refused the row: recorded as a constraint conflict waiting for a person, nothing written. */
    private Plan refused(ChangeSet cs, Plan p, String reason) {
        // not written, but applied all the same: a row that keeps a lineage counts it (see Plan#ifRejected)
        return new Plan(p.change(), Optional.empty(), p.ifRejected(), Optional.of(records.refused(cs, p, ConflictType.CONSTRAINT, reason)),
            true, p.ifRejected());
    }

    /**
     * The local rows now at the keys of the refused inserts among {@code refused}, loaded (and locked) together: one
     * load for all of them, not one each, since a large ChangeSet whose rows wait for a later part may have thousands
     * refused. Only the keys that hold a row now are returned.
     */
    private Map<LocalRows.TableKey, LocalRow> insertedMeanwhile(DSLContext ctx, ChangeSet cs, List<Plan> refused, HybridTimestamp initial) {
        List<Change> inserts = refused.stream().map(Plan::change).filter(Change.Insert.class::isInstance).toList();
        if (inserts.isEmpty()) {
            return Map.of();
        }
        Map<LocalRows.TableKey, LocalRow> out = new java.util.HashMap<>();
        localRows.load(ctx, cs.withChanges(inserts), initial).forEach((k, local) -> {
            if (local.row().isPresent()) {
                out.put(k, local);
            }
        });
        return out;
    }

    /**
     * An insert refused because the key exists now ({@code now}, null if it does not): a local transaction inserted
     * the same key after this ChangeSet's rows were loaded (a missing row cannot be locked in advance). That is an
     * {@code insert-exists} conflict, not a constraint failure: judge the change again against the row as it is now and
     * carry out the resolver's decision.
     */
    private Optional<Plan> racedInsert(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, LocalRow now) throws SQLException {
        if (!(p.change() instanceof Change.Insert) || now == null || now.row().isEmpty()) {
            return Optional.empty();
        }
        Plan again = planner.plan(cs, p.change(), now, ctx);
        if (again.write().isPresent() && !new RowWriter(connection, ctx).execute(List.of(again.write().get())).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(again);
    }

    /** Transaction scope: nothing of the ChangeSet is written; its row conflicts and one transaction conflict are recorded. */
    private ApplyResult reject(DSLContext ctx, ChangeSet cs, List<Plan> plans, List<Plan> rejected) {
        List<ConflictRecord> recorded = new ArrayList<>();
        for (Plan p : plans) {
            Optional<Plan> constraint = rejected.stream().filter(r -> r.change() == p.change()).findFirst();
            constraint.orElse(p).record().ifPresent(r -> recorded.add(r.withOutcome(Outcome.KEPT_LOCAL, r.status())));
        }
        recorded.add(records.wholeChangeSet(cs, ConflictType.TRANSACTION, Optional.empty()));
        conflicts.record(ctx, recorded);
        writeRejectedVersions(ctx, plans);
        return new ApplyResult(0, recorded.size(), true);
    }

    private boolean transactionScopeLoss(List<Plan> plans) {
        return plans.stream().anyMatch(p -> p.lost() && config.scopeOf(p.change().table()) == ConflictScope.TRANSACTION);
    }

    private boolean touchesTransactionScope(List<Plan> plans) {
        return plans.stream().anyMatch(p -> config.scopeOf(p.change().table()) == ConflictScope.TRANSACTION);
    }

    /** A rejected ChangeSet writes no row, but the rows that keep a lineage still count its writes (see {@link Plan}). */
    private void writeRejectedVersions(DSLContext ctx, List<Plan> plans) {
        writeVersions(ctx, plans.stream().filter(p -> p.ifRejected().isPresent())
            .map(p -> new Plan(p.change(), Optional.empty(), p.ifRejected(), Optional.empty(), true)).toList());
    }

    private void writeVersions(DSLContext ctx, List<Plan> plans) {
        Map<BoundTable, Map<RowKey, RowVersion>> byTable = new LinkedHashMap<>();
        for (Plan p : plans) {
            p.version().ifPresent(v -> byTable.computeIfAbsent(tables.get(p.change().table()), k -> new LinkedHashMap<>()).put(p.change().key(), v));
        }
        byTable.forEach((t, versions) -> shadows.write(ctx, t.shadow(), new ArrayList<>(versions.values())));
    }

    // ---- the node's clock row and the origin's watermark ------------------------------------------------------------

    /** The clock row as read (and locked) at the start of an apply. */
    /** The clock row, read under its lock: the floor, the applied log's counter and the initial timestamp. */
    record ClockRow(long floor, long appliedN, HybridTimestamp initial) {
    }

    /**
     * The start of an apply that judges rows: the clock row is locked, then local transactions committed so far are
     * sequenced before any row is locked (in this order, the order {@code SequenceCatchUp} takes the two: a
     * {@link Sequencing#inTransaction} pass locks the sequencer in this transaction). Only the pass {@link LocalRows}
     * runs after it has locked the rows is needed for exactness (a transaction that wrote a row committed before the
     * row's lock was granted); this one is there so that that pass finds little to do while the apply holds the rows.
     * On rows that local writers keep updating — pgbench's branch and tellers — the applications wait for every
     * millisecond an apply holds them, and a pass, waiting for another thread's pass first (see {@code SharedRun}), took
     * about 20 ms of an apply's 45 there. Once per apply: an apply that goes row by row does not repeat it per row.
     */
    private ClockRow begin(DSLContext ctx) {
        ClockRow clock = lockClock(ctx);
        sequencing.sequenceCommitted(ctx);
        return clock;
    }

    /**
     * Locks the clock row for the rest of the caller's transaction: every apply of this node (ChangeSets, runs,
     * snapshot pages) takes it first, so two of them never interleave and the applied log's counter never races.
     */
    static ClockRow lockClock(DSLContext ctx) {
        Record clock = ctx.select(CLOCK_FLOOR, CLOCK_APPLIED_N, CLOCK_INITIAL).from(CLOCK).where(CLOCK_ID.eq(1)).forUpdate().fetchOne();
        return new ClockRow(clock.get(CLOCK_FLOOR), clock.get(CLOCK_APPLIED_N), HybridTimestamp.fromLong(clock.get(CLOCK_INITIAL)));
    }

    private void advance(DSLContext ctx, ChangeSet cs, ClockRow clock) {
        DecisionAudit.applied(ctx, conflicts, cs); // a person's decision: this node's records of its conflict are settled too
        long n = clock.appliedN() + 1;
        long ts = cs.timestamp().asLong();
        String deps = dependencies(cs);
        int updated = ctx.update(APPLIED).set(APPLIED_SEQ, cs.sequence()).set(APPLIED_TS, DSL.greatest(APPLIED_TS, DSL.val(ts)))
            .set(APPLIED_DEPS, deps).where(APPLIED_ORIGIN.eq(cs.origin().value())).execute();
        if (updated == 0) {
            ctx.insertInto(APPLIED).columns(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS)
                .values(cs.origin().value(), cs.sequence(), ts, deps).execute();
        }
        ctx.insertInto(APPLIED_LOG).columns(ALOG_ORIGIN, ALOG_SEQ, ALOG_N).values(cs.origin().value(), cs.sequence(), n).execute();
        // greatest in SQL: the sequencer may have raised the floor since it was read
        ctx.update(CLOCK).set(CLOCK_APPLIED_N, n).set(CLOCK_FLOOR, DSL.greatest(CLOCK_FLOOR, DSL.val(Math.max(clock.floor(), ts))))
            .where(CLOCK_ID.eq(1)).execute();
    }

    /**
     * {@link #advance(DSLContext, ChangeSet, ClockRow)} for a run of one origin's ChangeSets in sequence order, with one
     * statement per table instead of three per ChangeSet: the same watermark, applied-log entries and clock as applying
     * them one after another leaves.
     */
    private void advance(DSLContext ctx, List<ChangeSet> run, ClockRow clock) {
        ChangeSet last = run.get(run.size() - 1);
        String origin = last.origin().value();
        long ts = run.stream().mapToLong(cs -> cs.timestamp().asLong()).max().orElseThrow();
        String deps = dependencies(last);
        int updated = ctx.update(APPLIED).set(APPLIED_SEQ, last.sequence()).set(APPLIED_TS, DSL.greatest(APPLIED_TS, DSL.val(ts)))
            .set(APPLIED_DEPS, deps).where(APPLIED_ORIGIN.eq(origin)).execute();
        if (updated == 0) {
            ctx.insertInto(APPLIED).columns(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS).values(origin, last.sequence(), ts, deps).execute();
        }
        var log = ctx.insertInto(APPLIED_LOG).columns(ALOG_ORIGIN, ALOG_SEQ, ALOG_N);
        long n = clock.appliedN();
        for (ChangeSet cs : run) {
            log = log.values(origin, cs.sequence(), ++n);
        }
        log.execute();
        ctx.update(CLOCK).set(CLOCK_APPLIED_N, n).set(CLOCK_FLOOR, DSL.greatest(CLOCK_FLOOR, DSL.val(Math.max(clock.floor(), ts))))
            .where(CLOCK_ID.eq(1)).execute();
    }

    private static String dependencies(ChangeSet cs) {
        Map<String, Long> deps = new java.util.TreeMap<>();
        cs.dependencies().forEach((origin, seq) -> deps.put(origin.value(), seq));
        return ChangeSetCodec.mapper().valueToTree(deps).toString();
    }
}
