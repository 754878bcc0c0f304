package dev.converge.conflict;

import dev.converge.shadow.Recordset;
import org.jooq.Field;

import static dev.converge.install.MetaTables.*;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectJoinStep;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * Conflict records in the detecting node's database ({@code cv_conflict}). Writes happen inside the apply
 * transaction, so a conflict is recorded exactly when its ChangeSet is consumed; reads are the API the workbench
 * builds on. Stateless and thread-safe.
 */
public final class ConflictStore {
    private final NodeId self;

    public ConflictStore(NodeId self) {
        this.self = self;
    }

    /**
     * Writes the records (their ids are ignored and assigned by the database) in one statement: on PostgreSQL over a
     * {@link Recordset} (one bound value however many records: a run of small ChangeSets records hundreds at once, and
     * rendering as many rows of bound values cost more than the database's work), elsewhere as a multi-row insert.
     */
    public void record(DSLContext ctx, List<ConflictRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<Field<?>> columns = List.of(C_DETECTED, C_TYPE, C_TABLE, C_KEY, C_LOCAL, C_REMOTE, C_SHADOW, C_LOCAL_TS, C_LOCAL_ORIGIN,
            C_REMOTE_TS, C_REMOTE_ORIGIN, C_CS_SEQ, C_SCOPE, C_RESOLVER, C_OUTCOME, C_STATUS, C_DETAIL, C_LOCAL_SEQ);
        List<Object[]> rows = new java.util.ArrayList<>(records.size());
        for (ConflictRecord r : records) {
            rows.add(new Object[] {LocalDateTime.ofInstant(r.detectedTime(), ZoneOffset.UTC), r.type().word(), r.table(),
                r.key().map(k -> json(k.values())).orElse(null), image(r.localImage()), image(r.remoteImage()), image(r.shadowImage()),
                r.localTimestamp().map(HybridTimestamp::asLong).orElse(null), r.localOrigin().map(NodeId::value).orElse(null),
                r.remoteTimestamp().asLong(), r.remoteOrigin().value(), r.changeSet().sequence(), r.scope().word(), r.resolver(),
                r.outcome().word(), r.status().word(), r.detail().orElse(null), r.localSequence().orElse(null)});
        }
        if (records.size() > 1 && ctx.dialect().family() == org.jooq.SQLDialect.POSTGRES && records.size() <= Recordset.MAX_ROWS) {
            java.util.Optional<org.jooq.Table<org.jooq.Record>> recordset = Recordset.source(CONFLICTS, columns, rows, "cv_v");
            if (recordset.isPresent()) {
                List<Field<?>> source = columns.stream().<Field<?>>map(f -> org.jooq.impl.DSL.field(org.jooq.impl.DSL.name("cv_v", f.getName()),
                    f.getDataType())).toList();
                ctx.insertInto(CONFLICTS, columns).select(org.jooq.impl.DSL.select(source).from(recordset.get())).execute();
                return;
            }
        }
        var insert = ctx.insertInto(CONFLICTS, columns);
        for (Object[] row : rows) {
            insert = insert.values(row);
        }
        insert.execute();
    }

    /** How many conflicts of each type, outcome and status are recorded here: one grouped count, no record read. */
    public List<ConflictCount> counts(DSLContext ctx) {
        return ctx.select(C_TYPE, C_OUTCOME, C_STATUS, org.jooq.impl.DSL.count()).from(CONFLICTS).groupBy(C_TYPE, C_OUTCOME, C_STATUS)
            .fetch(r -> new ConflictCount(ConflictType.parse(r.value1()), Outcome.parse(r.value2()), ConflictStatus.parse(r.value3()), r.value4()));
    }

    /**
     * How many conflicts were detected per table and {@code bucket} ({@link java.time.temporal.ChronoUnit#HOURS} or
     * {@link java.time.temporal.ChronoUnit#DAYS}, UTC) from {@code from} (inclusive) until {@code until} (exclusive),
     * ordered by bucket, then table; buckets without a conflict are left out. One grouped statement that reads the
     * detection time and table of the window's records, not the records themselves.
     */
    public List<ConflictBucket> countsOverTime(DSLContext ctx, java.time.Instant from, java.time.Instant until,
                                               java.time.temporal.ChronoUnit bucket) {
        org.jooq.DatePart part = switch (bucket) {
            case HOURS -> org.jooq.DatePart.HOUR;
            case DAYS -> org.jooq.DatePart.DAY;
            default -> throw new IllegalArgumentException("conflicts are counted per hour or per day, not per " + bucket);
        };
        Field<LocalDateTime> start = DSL.trunc(C_DETECTED, part).as("bucket_start");
        return ctx.select(C_TABLE, start, DSL.count()).from(CONFLICTS)
            .where(C_DETECTED.ge(LocalDateTime.ofInstant(from, ZoneOffset.UTC)).and(C_DETECTED.lt(LocalDateTime.ofInstant(until, ZoneOffset.UTC))))
            .groupBy(C_TABLE, DSL.trunc(C_DETECTED, part)).orderBy(DSL.trunc(C_DETECTED, part), C_TABLE)
            .fetch(r -> new ConflictBucket(r.value1(), r.value2().toInstant(ZoneOffset.UTC), r.value3()));
    }

    /** Every conflict recorded here, oldest first. */
    public List<ConflictRecord> all(DSLContext ctx) {
        return find(ctx, DSL.noCondition());
    }

    /** Conflicts matching a condition on {@code cv_conflict}'s columns, oldest first. */
    public List<ConflictRecord> find(DSLContext ctx, Condition condition) {
        return select(ctx).where(condition).orderBy(C_ID).fetch(this::toRecord);
    }

    /** The conflict with this id, if one is recorded here. */
    public Optional<ConflictRecord> byId(DSLContext ctx, long id) {
        return select(ctx).where(C_ID.eq(id)).fetchOptional(this::toRecord);
    }

    /**
     * One page of the conflicts the query matches, in its order, starting after the record {@code after} (a previous
     * page's {@link ConflictPage#next()}), at most {@code limit} records; with the counts of every match. Two
     * statements in the caller's transaction (page, count per status), each served by an index on
     * {@code cv_conflict}.
     */
    public ConflictPage page(DSLContext ctx, ConflictQuery query, Optional<Long> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one conflict, not " + limit);
        }
        Condition filters = filters(query);
        Condition where = query.statuses().isEmpty() ? filters
            : filters.and(C_STATUS.in(query.statuses().stream().map(ConflictStatus::word).toList()));
        Condition seek = after.map(id -> seek(ctx, query.sort(), id)).orElse(DSL.noCondition());
        List<ConflictRecord> rows = select(ctx).where(where).and(seek).orderBy(order(query.sort())).limit(limit + 1).fetch(this::toRecord);
        Optional<Long> next = rows.size() > limit ? Optional.of(rows.get(limit - 1).id()) : Optional.empty();
        Map<ConflictStatus, Long> byStatus = new EnumMap<>(ConflictStatus.class);
        for (ConflictStatus s : ConflictStatus.values()) {
            byStatus.put(s, 0L);
        }
        ctx.select(C_STATUS, DSL.count()).from(CONFLICTS).where(filters).groupBy(C_STATUS)
            .forEach(r -> byStatus.put(ConflictStatus.parse(r.value1()), r.value2().longValue()));
        // the matches are the counts of the statuses the query takes: no count of their own
        long matching = byStatus.entrySet().stream().filter(e -> query.statuses().isEmpty() || query.statuses().contains(e.getKey()))
            .mapToLong(Map.Entry::getValue).sum();
        return new ConflictPage(rows.size() > limit ? rows.subList(0, limit) : rows, next, matching, byStatus);
    }

    /** The query's filters other than status, as a condition. */
    private static Condition filters(ConflictQuery q) {
        Condition c = DSL.noCondition();
        if (!q.types().isEmpty()) {
            c = c.and(C_TYPE.in(q.types().stream().map(ConflictType::word).toList()));
        }
        if (q.table().isPresent()) {
            // as written, or folded as the database folds an unquoted name (H2 to upper, PostgreSQL to lower case):
            // "item" finds H2's ITEM; an equality each, so the index on tbl still serves it
            String t = q.table().get();
            c = c.and(C_TABLE.in(t, t.toUpperCase(java.util.Locale.ROOT), t.toLowerCase(java.util.Locale.ROOT)));
        }
        if (q.origin().isPresent()) {
            c = c.and(C_REMOTE_ORIGIN.eq(q.origin().get().value()).or(C_LOCAL_ORIGIN.eq(q.origin().get().value())));
        }
        if (q.detectedFrom().isPresent()) {
            c = c.and(C_DETECTED.ge(LocalDateTime.ofInstant(q.detectedFrom().get(), ZoneOffset.UTC)));
        }
        if (q.detectedUntil().isPresent()) {
            c = c.and(C_DETECTED.lt(LocalDateTime.ofInstant(q.detectedUntil().get(), ZoneOffset.UTC)));
        }
        if (q.keyText().isPresent()) {
            // containsIgnoreCase escapes % and _ in the user's text: it is matched literally
            c = c.and(C_KEY.containsIgnoreCase(q.keyText().get()));
        }
        return c;
    }

    private static List<SortField<?>> order(ConflictSort sort) {
        return switch (sort) {
            case NEWEST -> List.of(C_ID.desc());
            case OLDEST -> List.of(C_ID.asc());
            case TABLE -> List.of(C_TABLE.asc(), C_ID.asc());
            case TYPE -> List.of(C_TYPE.asc(), C_ID.asc());
        };
    }

    /** The records after the one with this id in the sort's order (its sort value read back, so the cursor is just an id). */
    private static Condition seek(DSLContext ctx, ConflictSort sort, long id) {
        return switch (sort) {
            case NEWEST -> C_ID.lt(id);
            case OLDEST -> C_ID.gt(id);
            case TABLE -> after(ctx, C_TABLE, id);
            case TYPE -> after(ctx, C_TYPE, id);
        };
    }

    private static Condition after(DSLContext ctx, Field<String> column, long id) {
        Optional<String> value = ctx.select(column).from(CONFLICTS).where(C_ID.eq(id)).fetchOptional(column);
        // a cursor whose record is gone (never the case today: records are kept) continues by id alone
        return value.map(v -> column.gt(v).or(column.eq(v).and(C_ID.gt(id)))).orElse(C_ID.gt(id));
    }

    private static SelectJoinStep<Record> select(DSLContext ctx) {
        return ctx.select(C_ID, C_DETECTED, C_TYPE, C_TABLE, C_KEY, C_LOCAL, C_REMOTE, C_SHADOW, C_LOCAL_TS, C_LOCAL_ORIGIN, C_REMOTE_TS,
                C_REMOTE_ORIGIN, C_CS_SEQ, C_SCOPE, C_RESOLVER, C_OUTCOME, C_STATUS, C_DETAIL, C_LOCAL_SEQ, C_DECIDED_BY, C_DECIDED_TIME,
                C_DECIDED_AT, C_DECISION, C_DECISION_COMMENT)
            .from(CONFLICTS);
    }

    private ConflictRecord toRecord(Record r) {
        NodeId remoteOrigin = NodeId.of(r.get(C_REMOTE_ORIGIN));
        return new ConflictRecord(r.get(C_ID), self, ConflictType.parse(r.get(C_TYPE)), r.get(C_TABLE),
            Optional.ofNullable(r.get(C_KEY)).map(k -> new RowKey(ChangeSetCodec.imageFromJson(k).values())),
            imageOf(r.get(C_LOCAL)), imageOf(r.get(C_REMOTE)), imageOf(r.get(C_SHADOW)),
            Optional.ofNullable(r.get(C_LOCAL_TS)).map(HybridTimestamp::fromLong), Optional.ofNullable(r.get(C_LOCAL_ORIGIN)).map(NodeId::of),
            HybridTimestamp.fromLong(r.get(C_REMOTE_TS)), remoteOrigin, new ChangeSetId(remoteOrigin, r.get(C_CS_SEQ)),
            ConflictScope.parse(r.get(C_SCOPE)), r.get(C_RESOLVER), Outcome.parse(r.get(C_OUTCOME)), ConflictStatus.parse(r.get(C_STATUS)),
            r.get(C_DETECTED).toInstant(ZoneOffset.UTC), Optional.ofNullable(r.get(C_DETAIL)), Optional.ofNullable(r.get(C_LOCAL_SEQ)),
            decisionOf(r));
    }

    private static Optional<ManualDecision> decisionOf(Record r) {
        if (r.get(C_DECIDED_BY) == null) {
            return Optional.empty();
        }
        return Optional.of(new ManualDecision(r.get(C_DECIDED_BY), r.get(C_DECIDED_TIME).toInstant(ZoneOffset.UTC),
            NodeId.of(r.get(C_DECIDED_AT)), Optional.ofNullable(r.get(C_DECISION)).orElse(""),
            Optional.ofNullable(r.get(C_DECISION_COMMENT)).orElse("")));
    }

    /**
     * Marks the records with these ids {@code resolved-by-hand} (status and outcome) with the decision; returns how many
     * changed. In the caller's transaction.
     */
    public int markDecided(DSLContext ctx, java.util.Collection<Long> ids, ManualDecision d) {
        if (ids.isEmpty()) {
            return 0;
        }
        return ctx.update(CONFLICTS).set(C_STATUS, ConflictStatus.RESOLVED_BY_HAND.word()).set(C_OUTCOME, Outcome.RESOLVED_BY_HAND.word())
            .set(C_DECIDED_BY, d.who()).set(C_DECIDED_TIME, LocalDateTime.ofInstant(d.when(), ZoneOffset.UTC))
            .set(C_DECIDED_AT, d.decidedAt().value()).set(C_DECISION, d.what()).set(C_DECISION_COMMENT, d.comment())
            .where(C_ID.in(ids)).execute();
    }

    /**
     * The records of the row {@code key} of {@code table} (as the node spells it), of every type, oldest first. In the
     * caller's transaction.
     */
    public List<ConflictRecord> recordsOf(DSLContext ctx, String table, RowKey key) {
        return find(ctx, C_TABLE.eq(table).and(C_KEY.eq(json(key.values()))));
    }

    /** The {@code constraint} records of {@code table} whose detail contains {@code text}, oldest first. */
    public List<ConflictRecord> constraintsSaying(DSLContext ctx, String table, String text) {
        return find(ctx, C_TYPE.eq(ConflictType.CONSTRAINT.word()).and(C_TABLE.eq(table)).and(C_DETAIL.contains(text)));
    }

    /** Appends {@code detail} to the record {@code id}'s and gives it {@code outcome}: what happened to its row later. */
    public void amend(DSLContext ctx, long id, Outcome outcome, String detail) {
        amend(ctx, id, outcome, null, detail);
    }

    /**
     * As {@link #amend(DSLContext, long, Outcome, String)}, and gives it {@code status} too (unless null): what happened
     * later needs a person ({@code needs-review}).
     */
    public void amend(DSLContext ctx, long id, Outcome outcome, ConflictStatus status, String detail) {
        var update = ctx.update(CONFLICTS).set(C_OUTCOME, outcome.word());
        if (status != null) {
            update = update.set(C_STATUS, status.word());
        }
        update.set(C_DETAIL, DSL.concat(DSL.coalesce(C_DETAIL, DSL.val("")), DSL.val("; " + detail))).where(C_ID.eq(id)).execute();
    }

    private static Optional<RowImage> imageOf(String json) {
        return Optional.ofNullable(json).map(ChangeSetCodec::imageFromJson);
    }

    private static String image(Optional<RowImage> image) {
        return image.map(ChangeSetCodec::imageToJson).orElse(null);
    }

    private static String json(Object value) {
        return ChangeSetCodec.mapper().valueToTree(value).toString();
    }
}
