package dev.converge.decision;

import static dev.converge.install.MetaTables.*;

import dev.converge.capture.TransactionKeys;
import dev.converge.catalog.BoundTable;
import dev.converge.catalog.RowReader;
import dev.converge.clock.TimeSource;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.ManualDecision;
import dev.converge.dialect.Dialect;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * Carries out a person's decisions on this node's conflicts. Reached through {@code Node.decisions()}.
 *
 * <p><b>What a decision does.</b> {@link #decide} writes, in one new local transaction at this node: the decided row
 * (an insert, update or delete of the replicated columns, captured like any local write, so it gets a fresh timestamp
 * at sequencing and travels to every peer with the next delivery), a row in {@code cv_decision} that makes the
 * sequencer mark the transaction's ChangeSet and row versions as a decision's ({@link DecisionMarks}; the metadata
 * carries the conflict's identity and who, when, what and the comment), and the {@code resolved-by-hand} status of every
 * record here of the same conflict. The decision then wins on every peer whatever the table's resolver
 * ({@link DecisionRule}), and each peer marks its own records of the conflict when it applies it ({@link DecisionAudit}).
 *
 * <p><b>No blind overwrite.</b> {@link #review} returns the rows as they stand and a token naming that state;
 * {@link #decide} refuses (and writes nothing) when the rows no longer match the token. The check and the write happen
 * under the node's clock-row lock, the lock the apply engine holds while it applies, so no apply slips in between.
 *
 * <p><b>Threading.</b> Thread-safe and stateless apart from its collaborators: any thread may call it; each call is
 * one database transaction of its own and blocks on it. Decisions and applies on one node are serialised by the
 * database (the clock row's lock).
 */
public final class Decisions {
    /** A unit of work in a local transaction (one whose writes to replicated tables are captured). */
    @FunctionalInterface
    public interface LocalTransactions {
        <T> T inLocalTransaction(Function<DSLContext, T> work);
    }

    private final NodeId self;
    private final Supplier<List<BoundTable>> tables;
    private final LocalTransactions tx;
    private final Dialect dialect;
    private final TimeSource time;
    private final ConflictStore conflicts;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final Runnable sequence;

    /**
     * Built by {@code Node}; {@code tables} supplies the tables as bound now; {@code sequence} sequences the local
     * transactions committed so far, so that the versions a person's look is named by are current (a version is written
     * when its transaction is sequenced, and would otherwise change under the person without the row changing).
     */
    public Decisions(NodeId self, Supplier<List<BoundTable>> tables, LocalTransactions tx, Dialect dialect, TimeSource time,
                     Runnable sequence) {
        this.sequence = Objects.requireNonNull(sequence);
        this.self = Objects.requireNonNull(self);
        this.tables = Objects.requireNonNull(tables);
        this.tx = Objects.requireNonNull(tx);
        this.dialect = Objects.requireNonNull(dialect);
        this.time = Objects.requireNonNull(time);
        this.conflicts = new ConflictStore(self);
    }

    /** The conflict {@code conflictId} recorded here, with the rows it concerns as they stand now; empty if no such record. */
    public Optional<Review> review(long conflictId) {
        sequence.run();
        return tx.inLocalTransaction(ctx -> record(ctx, conflictId).map(r -> {
            Map<String, Optional<RowImage>> rows = new LinkedHashMap<>();
            String asOf = state(ctx, r, rows, false);
            return new Review(r, rows, asOf);
        }));
    }

    /**
     * Carries out {@code decision} on conflict {@code conflictId} (see the class documentation), if the rows it concerns
     * are still as {@code asOf} (from {@link #review}) names them.
     *
     * @param who the person deciding, as the audit shows them; not blank
     * @param comment why, as the audit shows it; may be empty, not null
     * @return {@link DecisionResult.Decided}, or {@link DecisionResult.Refused} with the reason and nothing changed
     */
    public DecisionResult decide(long conflictId, Decision decision, String who, String comment, String asOf) {
        Objects.requireNonNull(asOf);
        return decide(conflictId, decision, who, comment, (token, rows) -> token.equals(asOf));
    }

    /**
     * As {@link #decide(long, Decision, String, String, String)} for a caller that kept the row's image rather than a
     * token: refused unless the conflict's row (replicated columns; empty: absent) is still {@code seenRow}, compared by
     * value. Weaker than the token (a row changed and changed back passes); for a row conflict only.
     */
    public DecisionResult decide(long conflictId, Decision decision, String who, String comment, Optional<RowImage> seenRow) {
        Objects.requireNonNull(seenRow);
        return decide(conflictId, decision, who, comment, (token, rows) -> {
            Optional<RowImage> now = rows.values().stream().findFirst().flatMap(x -> x);
            return now.isPresent() == seenRow.isPresent()
                && now.map(n -> n.sameAs(seenRow.get().project(n.values().keySet()))).orElse(true);
        });
    }

    /** The most conflicts the workbench and its API decide in one bulk decision. */
    public static final int BULK_LIMIT = 10_000;

    /** What a bulk decision did: how many conflicts matched, how many were decided, and those refused (with why). */
    public record BulkResult(int matched, int decided, List<DecisionResult.Refused> refused) {
        public BulkResult {
            refused = List.copyOf(refused);
        }
    }

    /**
     * One decision for every conflict the query matches (a person's bulk decision): each is reviewed and decided as it
     * stands at that moment, on its own (its own transaction and staleness check); one decided meanwhile — here, or by
     * a decision on the same conflict that arrived from a peer — is skipped.
     *
     * @param limit the most conflicts one call decides; a larger match decides nothing, so a mistaken filter cannot
     *     sweep everything
     * @throws IllegalArgumentException if more than {@code limit} match, or the decision is a merged row (it fits one
     *     conflict only)
     */
    public BulkResult decideAll(dev.converge.conflict.ConflictQuery query, Decision decision, String who, String comment, int limit) {
        if (decision instanceof Decision.MergedRow) {
            throw new IllegalArgumentException("a bulk decision takes one side or deletes; a merged row fits one conflict only");
        }
        List<Long> ids = new ArrayList<>();
        Optional<Long> after = Optional.empty();
        do {
            Optional<Long> from = after;
            dev.converge.conflict.ConflictPage page = tx.inLocalTransaction(ctx -> conflicts.page(ctx, query, from, 1_000));
            if (page.matching() > limit) {
                throw new IllegalArgumentException(page.matching() + " conflicts match; one bulk decision takes at most " + limit
                    + " (narrow the filter)");
            }
            page.records().forEach(r -> ids.add(r.id()));
            after = page.next();
        } while (after.isPresent());
        int decided = 0;
        List<DecisionResult.Refused> refused = new ArrayList<>();
        for (long id : ids) {
            Optional<Review> review = review(id);
            if (review.isEmpty() || review.get().conflict().decision().isPresent()) {
                continue;
            }
            DecisionResult result = decide(id, decision, who, comment, review.get().asOf());
            if (result instanceof DecisionResult.Decided) {
                decided++;
            } else if (result instanceof DecisionResult.Refused r) {
                refused.add(r);
            }
        }
        return new BulkResult(ids.size(), decided, refused);
    }

    private DecisionResult decide(long conflictId, Decision decision, String who, String comment,
                                  java.util.function.BiPredicate<String, Map<String, Optional<RowImage>>> asSeen) {
        Objects.requireNonNull(decision);
        Objects.requireNonNull(comment);
        if (who == null || who.isBlank()) {
            return new DecisionResult.Refused(conflictId, "a decision must name who took it");
        }
        try {
            sequence.run();
            return attempt(conflictId, decision, who, comment, asSeen);
        } catch (org.jooq.exception.DataAccessException e) {
            String state = String.valueOf(e.sqlState());
            if (!state.startsWith("23") && !state.startsWith("22") && !state.equals("428C9")) {
                throw e; // not a refusal of the row's values: a real failure
            }
            // the database refused the decided row (a unique value another row holds, a foreign key, a check): nothing
            // was written, the transaction rolled back; the person gets the database's reason
            return new DecisionResult.Refused(conflictId, "the database refused the decided row: " + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private DecisionResult attempt(long conflictId, Decision decision, String who, String comment,
                                   java.util.function.BiPredicate<String, Map<String, Optional<RowImage>>> asSeen) {
        return tx.inLocalTransaction(ctx -> {
            ctx.select(CLOCK_ID).from(CLOCK).where(CLOCK_ID.eq(1)).forUpdate().fetch(); // no apply between the check and the write
            // capture reads the node's wall clock from the clock row: the decision is stamped by this node's time source
            ctx.update(CLOCK).set(CLOCK_WALL_OVERRIDE, time.isSystem() ? null : time.currentTimeMillis()).where(CLOCK_ID.eq(1)).execute();
            Optional<ConflictRecord> found = record(ctx, conflictId);
            if (found.isEmpty()) {
                return new DecisionResult.Refused(conflictId, "there is no conflict " + conflictId + " on node " + self);
            }
            ConflictRecord r = found.get();
            Map<String, Optional<RowImage>> now = new LinkedHashMap<>();
            String current = state(ctx, r, now, true);
            if (!asSeen.test(current, now)) {
                return new DecisionResult.Refused(conflictId, "the row changed since it was looked at (it is now "
                    + describe(now) + "): look at it again and decide again");
            }
            Optional<BoundTable> table = table(r.table());
            if (table.isEmpty()) {
                return new DecisionResult.Refused(conflictId, "table " + r.table() + " is not replicated by node " + self + " any more");
            }
            Either plan = plan(r, table.get(), decision, now);
            if (plan.refusal != null) {
                return new DecisionResult.Refused(conflictId, plan.refusal);
            }
            return carryOut(ctx, r, decision, who, comment, plan.writes, now);
        });
    }

    // ---- what a decision writes -------------------------------------------------------------------------------------

    /** One row a decision sets: the row of {@code key} becomes {@code image}, or is deleted if it is empty. */
    private record RowWrite(BoundTable table, RowKey key, Optional<RowImage> image) {
    }

    /** The rows to write, or why the decision cannot be carried out. */
    private record Either(List<RowWrite> writes, String refusal) {
        static Either of(List<RowWrite> writes) {
            return new Either(writes, null);
        }

        static Either refused(String reason) {
            return new Either(List.of(), reason);
        }
    }

    private Either plan(ConflictRecord r, BoundTable t, Decision decision, Map<String, Optional<RowImage>> now) {
        if (r.type() == ConflictType.TRANSACTION || r.key().isEmpty()) {
            return planWhole(r, decision);
        }
        RowKey key = r.key().get();
        if (decision instanceof Decision.TakeLocal) {
            return Either.of(takeLocal(r, t, key));
        }
        if (decision instanceof Decision.TakeRemote) {
            return Either.of(takeRemote(r, t, key));
        }
        if (decision instanceof Decision.DeleteRow) {
            return Either.of(List.of(new RowWrite(t, key, Optional.empty())));
        }
        if (decision instanceof Decision.MergedRow m) {
            return merged(r, t, key, m.row(), now.values().stream().findFirst().flatMap(x -> x));
        }
        // Java 17 has no exhaustive switch over a sealed type: a kind added to Decision fails here, and DecisionKindsTest
        return Either.refused("decision " + decision + " is not one this node knows");
    }

    /** Every kind of {@link Decision} that {@link #plan} carries out; {@code DecisionKindsTest} checks it against the permitted kinds. */
    static final java.util.Set<Class<? extends Decision>> HANDLED = java.util.Set.of(Decision.TakeLocal.class, Decision.TakeRemote.class,
        Decision.DeleteRow.class, Decision.MergedRow.class);

    /** The local side: its image under its own key (a unique collision's local row has another key), or no row. */
    private static List<RowWrite> takeLocal(ConflictRecord r, BoundTable t, RowKey key) {
        if (r.localImage().isEmpty()) {
            return List.of(new RowWrite(t, key, Optional.empty()));
        }
        RowImage local = t.spec().project(r.localImage().get());
        RowKey localKey = t.keyOf(local);
        List<RowWrite> out = new ArrayList<>();
        if (!sameKey(localKey, key)) {
            out.add(new RowWrite(t, key, Optional.empty())); // the incoming row of a collision goes
        }
        out.add(new RowWrite(t, localKey, Optional.of(local)));
        return out;
    }

    /** The incoming side: its image, or no row if it was a delete; the local row of a unique collision goes. */
    private static List<RowWrite> takeRemote(ConflictRecord r, BoundTable t, RowKey key) {
        boolean remoteDeleted = r.type() == ConflictType.DELETE_CHANGED_ROW || r.type() == ConflictType.DELETE_MISSING_ROW
            || r.remoteImage().isEmpty();
        List<RowWrite> out = new ArrayList<>();
        r.localImage().map(t.spec()::project).map(t::keyOf).filter(k -> !sameKey(k, key))
            .ifPresent(k -> out.add(new RowWrite(t, k, Optional.empty())));
        out.add(new RowWrite(t, key, remoteDeleted ? Optional.empty() : r.remoteImage().map(t.spec()::project)));
        return out;
    }

    private static Either merged(ConflictRecord r, BoundTable t, RowKey key, RowImage given, Optional<RowImage> current) {
        Map<String, Object> values = new LinkedHashMap<>();
        RowImage base = current.or(r::localImage).or(r::remoteImage).map(t.spec()::project).orElse(new RowImage(Map.of()));
        for (String column : t.spec().columns()) {
            if (given.has(column)) {
                values.put(column, given.get(column));
            } else if (base.has(column)) {
                values.put(column, base.get(column));
            }
        }
        for (String column : given.values().keySet()) {
            if (t.spec().columns().stream().noneMatch(column::equalsIgnoreCase)) {
                return Either.refused("table " + t.name() + " does not replicate a column " + column);
            }
        }
        RowImage row = new RowImage(values);
        if (t.spec().keyColumns().stream().anyMatch(k -> !row.has(k)) || !sameKey(t.keyOf(row), key)) {
            return Either.refused("a merged row must keep the conflict's key " + key + ", not " + key(t, row));
        }
        return Either.of(List.of(new RowWrite(t, key, Optional.of(row))));
    }

    /** A {@code transaction} conflict: taking the remote side replays its ChangeSet's rows; the local side writes nothing. */
    private Either planWhole(ConflictRecord r, Decision decision) {
        if (!(decision instanceof Decision.TakeRemote) && !(decision instanceof Decision.TakeLocal)) {
            return Either.refused("a " + r.type().word() + " conflict can only be accepted (take remote: replay its rows) or "
                + "rejected (take local)");
        }
        if (decision instanceof Decision.TakeLocal) {
            return Either.of(List.of());
        }
        Optional<ChangeSet> cs = changeSetOf(r);
        if (cs.isEmpty()) {
            return Either.refused("conflict " + r.id() + " does not carry its ChangeSet: there is nothing to replay");
        }
        List<RowWrite> writes = new ArrayList<>();
        for (Change c : cs.get().changes()) {
            Optional<BoundTable> t = table(c.table());
            if (t.isEmpty()) {
                return Either.refused("table " + c.table() + " is not replicated by node " + self + " any more");
            }
            writes.add(new RowWrite(t.get(), c.key(), c.after().map(t.get().spec()::project)));
        }
        return Either.of(writes);
    }

    private DecisionResult carryOut(DSLContext ctx, ConflictRecord r, Decision decision, String who, String comment, List<RowWrite> writes,
                                    Map<String, Optional<RowImage>> now) {
        List<DecisionMarks.DecidedRow> decided = new ArrayList<>();
        for (RowWrite w : writes) {
            Optional<RowImage> before = now.getOrDefault(w.table().name() + " " + w.key(), Optional.empty());
            write(ctx, w);
            decided.add(new DecisionMarks.DecidedRow(w.table().name(), w.key(), w.image(),
                before.or(r::localImage).or(r::shadowImage).or(r::remoteImage).orElseGet(() -> new RowImage(w.key().values()))));
        }
        String what = what(r, decision);
        long wall = time.currentTimeMillis();
        ManualDecision d = new ManualDecision(who, Instant.ofEpochMilli(wall), self, what, comment);
        ConflictIdentity identity = ConflictIdentity.of(r);
        String txKey = ctx.connectionResult(c -> TransactionKeys.current(c, ctx, dialect));
        // one captured row of no images: the transaction is sequenced (and its metadata travels) even if it wrote nothing
        String table = writes.isEmpty() ? table(r.table()).map(BoundTable::name).orElse(r.table()) : writes.get(0).table().name();
        long appliedN = ctx.select(CLOCK_APPLIED_N).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_APPLIED_N);
        ctx.insertInto(OUTBOX).columns(OUTBOX_TX, OUTBOX_TABLE, OUTBOX_OP, OUTBOX_WALL, OUTBOX_APPLIED_N)
            .values(txKey, table, "U", dev.converge.clock.HybridTimestamp.ofMillis(wall).asLong(), appliedN).execute();
        // registered for the sequencer as capture registers (already, if the decision's writes were captured first)
        ctx.insertInto(UNSEQUENCED).columns(UNSEQ_TX).select(org.jooq.impl.DSL.select(org.jooq.impl.DSL.val(txKey))
            .whereNotExists(org.jooq.impl.DSL.selectOne().from(UNSEQUENCED).where(UNSEQ_TX.eq(txKey)))).execute();
        ctx.insertInto(DECISIONS).columns(D_TX, D_CONFLICT, D_METADATA, D_ROWS)
            .values(txKey, r.id(), DecisionMarks.json(new DecisionNote(identity, d).toMetadata()), DecisionMarks.rowsJson(decided)).execute();
        List<ConflictRecord> same = new ArrayList<>(DecisionAudit.recordsOf(ctx, conflicts, identity));
        if (same.stream().noneMatch(x -> x.id() == r.id())) {
            same.add(r); // a record made before the local write's sequence was kept names fewer writes
        }
        DecisionAudit.mark(ctx, conflicts, same, d);
        List<ConflictRecord> marked = conflicts.find(ctx, C_ID.in(same.stream().map(ConflictRecord::id).toList()));
        ConflictRecord decidedRecord = marked.stream().filter(x -> x.id() == r.id()).findFirst().orElseThrow();
        return new DecisionResult.Decided(decidedRecord, marked);
    }

    private static String what(ConflictRecord r, Decision decision) {
        if (decision instanceof Decision.MergedRow m) {
            return "merge " + ChangeSetCodec.imageToJson(m.row());
        }
        if (decision instanceof Decision.TakeRemote && r.type() == ConflictType.TRANSACTION) {
            return "replay " + r.changeSet();
        }
        return decision.word();
    }

    /** Writes one row as a local (captured) write; returns how many rows the statement touched. */
    private static int write(DSLContext ctx, RowWrite w) {
        BoundTable t = w.table();
        List<Object> key = t.typedKey(w.key());
        var where = KeyConditions.in(t.keyFields(), List.of(key));
        if (w.image().isEmpty()) {
            return ctx.deleteFrom(t.table()).where(where).execute();
        }
        RowImage row = w.image().get();
        boolean exists = ctx.fetchExists(ctx.selectOne().from(t.table()).where(where));
        java.util.Set<String> computed = t.generated().computed();
        if (exists) {
            java.util.Set<String> skip = new java.util.HashSet<>(computed);
            skip.addAll(t.generated().alwaysIdentities());
            List<Field<Object>> set = t.replicatedFields().stream()
                .filter(f -> row.has(f.getName()) && !skip.contains(f.getName())).toList();
            Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
            for (Field<Object> f : set) {
                assignments.put(f, org.jooq.impl.DSL.val(t.typedValue(row, f.getName()), f.getDataType()));
            }
            if (assignments.isEmpty()) {
                assignments.put(t.keyFields().get(0), t.keyFields().get(0)); // a table of key columns only: touch the row
            }
            return ctx.update(t.table()).set(assignments).where(where).execute();
        }
        List<Field<Object>> cols = t.replicatedFields().stream().filter(f -> row.has(f.getName()) && !computed.contains(f.getName())).toList();
        List<Field<?>> values = cols.stream().<Field<?>>map(f -> org.jooq.impl.DSL.val(t.typedValue(row, f.getName()), f.getDataType())).toList();
        return ctx.insertInto(t.table(), cols).values(values).execute();
    }

    // ---- the state a person saw -------------------------------------------------------------------------------------

    /**
     * The rows {@code r} concerns as they stand (filled into {@code rows}, by "table key") and a token naming their
     * images and versions. {@code lock}: read the rows for update, so they cannot change before the decision commits.
     */
    private String state(DSLContext ctx, ConflictRecord r, Map<String, Optional<RowImage>> rows, boolean lock) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<BoundTable, RowKey> e : rowsOf(r)) {
            BoundTable t = e.getKey();
            List<Object> key = t.typedKey(e.getValue());
            List<RowImage> found = RowReader.read(ctx, t, KeyConditions.in(t.keyFields(), List.of(key)), lock, false);
            Optional<RowImage> row = found.stream().findFirst();
            rows.put(t.name() + " " + e.getValue(), row);
            Optional<RowVersion> v = shadows.versions(ctx, t.shadow(), List.of(key)).values().stream().findFirst();
            text.append(t.name()).append(' ').append(e.getValue()).append('=')
                .append(row.map(ChangeSetCodec::imageToJson).orElse("absent")).append('@')
                .append(v.map(x -> x.timestamp() + "/" + x.origin() + "/" + x.originSequence().orElse(0L) + "/" + x.deleted()).orElse("none"))
                .append('\n');
        }
        return sha256(text.toString());
    }

    /** The rows a record concerns: its key (and a unique collision's other row), or every row of a rejected ChangeSet. */
    private List<Map.Entry<BoundTable, RowKey>> rowsOf(ConflictRecord r) {
        List<Map.Entry<BoundTable, RowKey>> out = new ArrayList<>();
        if (r.key().isPresent()) {
            table(r.table()).ifPresent(t -> {
                out.add(Map.entry(t, r.key().get()));
                r.localImage().map(t.spec()::project).filter(l -> t.spec().keyColumns().stream().allMatch(l::has)).map(t::keyOf)
                    .filter(k -> !sameKey(k, r.key().get())).ifPresent(k -> out.add(Map.entry(t, k)));
            });
            return out;
        }
        changeSetOf(r).ifPresent(cs -> cs.changes().forEach(c -> table(c.table()).ifPresent(t -> out.add(Map.entry(t, c.key())))));
        return out;
    }

    /** The ChangeSet a whole-ChangeSet record carries in its detail (after an error's text, if any). */
    private static Optional<ChangeSet> changeSetOf(ConflictRecord r) {
        Optional<String> detail = r.detail();
        if (detail.isEmpty()) {
            return Optional.empty();
        }
        String text = detail.get();
        int start = text.startsWith("{") ? 0 : text.indexOf("\n{");
        if (start < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(ChangeSetCodec.fromJson(text.substring(start).trim()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<ConflictRecord> record(DSLContext ctx, long conflictId) {
        return conflicts.find(ctx, C_ID.eq(conflictId)).stream().findFirst();
    }

    private Optional<BoundTable> table(String name) {
        return tables.get().stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst();
    }

    private static boolean sameKey(RowKey a, RowKey b) {
        return new RowImage(a.values()).sameAs(new RowImage(b.values()));
    }

    private static String key(BoundTable t, RowImage row) {
        Map<String, Object> k = new LinkedHashMap<>();
        t.spec().keyColumns().forEach(c -> k.put(c, row.get(c)));
        return k.toString();
    }

    private static String describe(Map<String, Optional<RowImage>> rows) {
        List<String> parts = new ArrayList<>();
        rows.forEach((k, v) -> parts.add(k + ": " + v.map(RowImage::toString).orElse("no row")));
        return String.join("; ", parts);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
