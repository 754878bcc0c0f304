package dev.converge.shadow;

import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.val;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Reads and writes shadow tables in batches: one query per {@value #CHUNK} keys and one JDBC batch per write, never a
 * round trip per row. Stateless and
 * thread-safe; every method works inside the caller's transaction (the {@link DSLContext} it is given).
 */
public final class JdbcShadowStore {
    static final int CHUNK = 500;

    /**
     * A tombstone, with {@code true} written in the statement (not bound): the planner can then prove that a query
     * reads only tombstones and use the partial indexes of {@link #createTombstoneIndexes}, whatever plan it caches.
     */
    private static final Condition TOMBSTONE = ShadowTable.DELETED.eq(DSL.inline(true));

    /** Creates the shadow table unless it exists. */
    public void create(DSLContext ctx, ShadowTable shadow) {
        ctx.createTableIfNotExists(shadow.table())
            .columns(insertColumns(shadow))
            .constraints(DSL.constraint(name(shadow.primaryKeyName())).primaryKey(shadow.keyFields().toArray(Field[]::new)))
            .execute();
        // a shadow table made before versions had detail
        ctx.alterTable(shadow.table()).addColumnIfNotExists(ShadowTable.VERSION).execute();
        // the purge's two look-ups: tombstones by age (grace) and by origin and sequence (seen by every peer)
        if (ctx.dialect().family() == SQLDialect.POSTGRES) {
            createTombstoneIndexes(ctx, shadow);
            return;
        }
        ctx.createIndexIfNotExists(name(shadow.purgeIndexName())).on(shadow.table(), ShadowTable.DELETED, ShadowTable.TS).execute();
        ctx.createIndexIfNotExists(name(shadow.seenIndexName())).on(shadow.table(), ShadowTable.DELETED, ShadowTable.ORIGIN, ShadowTable.SEQ)
            .execute();
    }

    /**
     * PostgreSQL: the purge's indexes cover tombstones only (partial indexes), since only tombstones are purged. A live
     * version, which is nearly every version written, then costs one index entry (the key) instead of three: writing
     * versions is as much of an apply's work as writing the rows. An index of an earlier install that covers every
     * version is replaced.
     */
    private static void createTombstoneIndexes(DSLContext ctx, ShadowTable shadow) {
        for (String index : List.of(shadow.purgeIndexName(), shadow.seenIndexName())) {
            String definition = ctx.resultQuery("SELECT indexdef FROM pg_catalog.pg_indexes WHERE schemaname = current_schema() AND indexname = {0}",
                val(index)).fetchOne(0, String.class);
            if (definition != null && !definition.contains(" WHERE ")) {
                ctx.dropIndex(name(index)).execute();
            }
        }
        ctx.createIndexIfNotExists(name(shadow.purgeIndexName())).on(shadow.table(), ShadowTable.TS).where(TOMBSTONE)
            .execute();
        ctx.createIndexIfNotExists(name(shadow.seenIndexName())).on(shadow.table(), ShadowTable.ORIGIN, ShadowTable.SEQ)
            .where(TOMBSTONE).execute();
    }

    /**
     * Adds {@code shift} to the sequence of every version written by {@code origin} under a sequence above
     * {@code after}: that origin's transactions were renumbered (a node restored from a backup).
     */
    public int renumber(DSLContext ctx, ShadowTable shadow, String origin, long after, long shift) {
        return ctx.update(shadow.table()).set(ShadowTable.SEQ, ShadowTable.SEQ.plus(shift))
            .where(ShadowTable.ORIGIN.eq(origin)).and(ShadowTable.SEQ.gt(after)).execute();
    }

    public void drop(DSLContext ctx, ShadowTable shadow) {
        ctx.dropTableIfExists(shadow.table()).execute();
    }

    /** The versions of the given keys that the shadow table holds, keyed by the key values as the database returns them. */
    public Map<List<Object>, RowVersion> versions(DSLContext ctx, ShadowTable shadow, Collection<List<Object>> keys) {
        Map<List<Object>, RowVersion> out = new HashMap<>();
        List<List<Object>> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<List<Object>> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            for (Record r : ctx.select(selectList(shadow)).from(shadow.table()).where(keyIn(shadow, chunk)).fetch()) {
                RowVersion v = toVersion(shadow, r);
                out.put(v.key(), v);
            }
        }
        return out;
    }

    /**
     * Whether the shadow table holds any tombstone: one look at the purge index by age (partial on PostgreSQL), however
     * many live versions the table has. Asked as "the oldest tombstone's timestamp", not as {@code EXISTS}: given
     * {@code EXISTS}, PostgreSQL's planner expects a tombstone early in the heap once a fifth of the versions are
     * tombstones and scans the table instead — through every live version written before the first delete (3.5 ms a
     * call at 250,000 versions, once per apply's trim).
     */
    public boolean hasTombstones(DSLContext ctx, ShadowTable shadow) {
        return ctx.select(ShadowTable.TS).from(shadow.table()).where(TOMBSTONE).orderBy(ShadowTable.TS).limit(DSL.inline(1)).fetchOptional().isPresent();
    }

    /** Every tombstone (deleted row) in the shadow table, oldest first: for the workbench and for tests. */
    public List<RowVersion> tombstones(DSLContext ctx, ShadowTable shadow) {
        return ctx.select(selectList(shadow)).from(shadow.table()).where(TOMBSTONE)
            .orderBy(ShadowTable.TS).fetch(r -> toVersion(shadow, r));
    }

    /**
     * The tombstones stamped with one write ({@code origin}, {@code sequence}, {@code timestamp}): found through the
     * tombstones' (origin, sequence) index, so asking costs a lookup, not a scan.
     */
    public List<RowVersion> tombstonesOf(DSLContext ctx, ShadowTable shadow, String origin, long sequence, long timestamp) {
        return ctx.select(selectList(shadow)).from(shadow.table()).where(TOMBSTONE).and(ShadowTable.ORIGIN.eq(origin))
            .and(ShadowTable.SEQ.eq(sequence)).and(ShadowTable.TS.eq(timestamp)).fetch(r -> toVersion(shadow, r));
    }

    /**
     * At most {@code limit} tombstones whose key comes after {@code after} (from the first if empty), in key order: one
     * page of a keyset scan, for a snapshot a peer loads to resync.
     */
    public List<RowVersion> tombstonePage(DSLContext ctx, ShadowTable shadow, Optional<List<Object>> after, int limit) {
        Condition from = after.map(k -> DSL.row(shadow.keyFields()).gt(DSL.row(k.stream().map(v -> DSL.val(v)).toList())))
            .orElse(DSL.noCondition());
        return ctx.select(selectList(shadow)).from(shadow.table()).where(TOMBSTONE).and(from)
            .orderBy(shadow.keyFields()).limit(limit).fetch(r -> toVersion(shadow, r));
    }

    /**
     * Writes (inserts or replaces) the given versions, at most one per key. On PostgreSQL, more than one version goes as
     * one statement over a {@link Recordset} (typed arrays, or JSON for a key of a type arrays cannot name); otherwise
     * (and on H2) as one JDBC batch of a single prepared upsert: one round trip, and the
     * statement is parsed once (a many-row VALUES list is re-planned every time).
     */
    public void write(DSLContext ctx, ShadowTable shadow, List<RowVersion> versions) {
        if (versions.isEmpty()) {
            return;
        }
        List<Field<?>> columns = insertColumns(shadow);
        Map<Field<?>, Field<?>> updates = new java.util.LinkedHashMap<>();
        for (Field<?> f : columns.subList(shadow.keyFields().size(), columns.size())) {
            updates.put(f, excluded(f));
        }
        // qualified conflict keys: H2's MERGE emulation otherwise finds the key column ambiguous
        List<Field<Object>> conflictKeys = shadow.keyFields().stream()
            .map(f -> DSL.field(DSL.name(shadow.name(), f.getName()), f.getDataType())).toList();
        if (ctx.dialect().family() == SQLDialect.POSTGRES && versions.size() > 1) {
            List<RowVersion> rest = new ArrayList<>();
            for (int from = 0; from < versions.size(); from += Recordset.MAX_ROWS) {
                List<RowVersion> chunk = versions.subList(from, Math.min(versions.size(), from + Recordset.MAX_ROWS));
                if (!writeAsRecordset(ctx, shadow, columns, conflictKeys, updates, chunk)) {
                    rest.addAll(chunk);
                }
            }
            if (rest.isEmpty()) {
                return;
            }
            versions = rest;
        }
        List<Field<?>> placeholders = columns.stream().<Field<?>>map(f -> val(null, f.getDataType())).toList();
        var upsert = ctx.insertInto(shadow.table(), columns).values(placeholders).onConflict(conflictKeys).doUpdate().set(updates);
        var batch = ctx.batch(upsert);
        for (RowVersion v : versions) {
            batch = batch.bind(bindValues(shadow, v));
        }
        batch.execute();
    }

    /** PostgreSQL: every version in one {@code INSERT ... SELECT ... ON CONFLICT} over a {@link Recordset}. */
    private static boolean writeAsRecordset(DSLContext ctx, ShadowTable shadow, List<Field<?>> columns, List<Field<Object>> conflictKeys,
                                            Map<Field<?>, Field<?>> updates, List<RowVersion> versions) {
        List<Object[]> rows = new ArrayList<>(versions.size());
        for (RowVersion v : versions) {
            rows.add(bindValues(shadow, v));
        }
        Optional<Table<Record>> recordset = Recordset.source(shadow.table(), columns, rows, "cv_v");
        if (recordset.isEmpty()) {
            return false;
        }
        List<Field<?>> source = columns.stream().<Field<?>>map(f -> DSL.field(DSL.name("cv_v", f.getName()), f.getDataType())).toList();
        ctx.insertInto(shadow.table(), columns).select(DSL.select(source).from(recordset.get()))
            .onConflict(conflictKeys).doUpdate().set(updates).execute();
        return true;
    }

    /**
     * Removes the tombstones of {@code origin} with a sequence in ({@code afterSeq}, {@code throughSeq}] and a timestamp
     * before {@code before} (packed hybrid); returns how many. Reads only that range of the table's {@code _seen} index.
     */
    public int purgeSeen(DSLContext ctx, ShadowTable shadow, String origin, long afterSeq, long throughSeq, long before) {
        return purgeSeen(ctx, shadow, origin, afterSeq, throughSeq, before, null);
    }

    /**
     * As above, removing only the tombstones {@code purgeable} accepts ({@code null}: all): those are read, tested and
     * deleted by key instead of in one statement — for a table whose tombstones keep a lineage that may still hold a
     * write not every peer has seen.
     */
    public int purgeSeen(DSLContext ctx, ShadowTable shadow, String origin, long afterSeq, long throughSeq, long before,
                         java.util.function.Predicate<RowVersion> purgeable) {
        if (throughSeq <= afterSeq) {
            return 0;
        }
        return purge(ctx, shadow, TOMBSTONE.and(ShadowTable.ORIGIN.eq(origin)).and(ShadowTable.SEQ.gt(afterSeq))
            .and(ShadowTable.SEQ.le(throughSeq)).and(ShadowTable.TS.lt(before)), purgeable);
    }

    private int purge(DSLContext ctx, ShadowTable shadow, Condition which, java.util.function.Predicate<RowVersion> purgeable) {
        if (purgeable == null) {
            return ctx.deleteFrom(shadow.table()).where(which).execute();
        }
        List<List<Object>> keys = ctx.select(selectList(shadow)).from(shadow.table()).where(which).fetch().stream()
            .map(r -> toVersion(shadow, r)).filter(purgeable).map(RowVersion::key).toList();
        int removed = 0;
        for (int from = 0; from < keys.size(); from += 500) {
            removed += ctx.deleteFrom(shadow.table()).where(which).and(keyIn(shadow, keys.subList(from, Math.min(keys.size(), from + 500))))
                .execute();
        }
        return removed;
    }

    /**
     * Removes the tombstones with a timestamp in [{@code from}, {@code before}) whose origin appears in
     * {@code seenThrough} with a sequence at least the tombstone's; returns how many. Reads only that range of the
     * table's {@code _purge} index (by timestamp). A tombstone without an origin sequence stays.
     */
    public int purgeAged(DSLContext ctx, ShadowTable shadow, Map<String, Long> seenThrough, long from, long before) {
        return purgeAged(ctx, shadow, seenThrough, from, before, null);
    }

    /** As above, removing only the tombstones {@code purgeable} accepts ({@code null}: all; see {@link #purgeSeen}). */
    public int purgeAged(DSLContext ctx, ShadowTable shadow, Map<String, Long> seenThrough, long from, long before,
                         java.util.function.Predicate<RowVersion> purgeable) {
        List<Condition> seen = new ArrayList<>();
        for (Map.Entry<String, Long> e : seenThrough.entrySet()) {
            if (e.getValue() > 0) {
                seen.add(ShadowTable.ORIGIN.eq(e.getKey()).and(ShadowTable.SEQ.le(e.getValue())));
            }
        }
        if (before <= from || seen.isEmpty()) {
            return 0;
        }
        return purge(ctx, shadow, TOMBSTONE.and(ShadowTable.TS.ge(from)).and(ShadowTable.TS.lt(before)).and(DSL.or(seen)), purgeable);
    }

    /**
     * Whether any version names a local transaction instead of a sequence ({@link #adoptSequences} has work). Scans the
     * table: meant for once per install.
     */
    public boolean namesLocalTransactions(DSLContext ctx, ShadowTable shadow) {
        return ctx.fetchExists(DSL.selectOne().from(shadow.table()).where(ShadowTable.TX.isNotNull()));
    }

    /**
     * Gives every version that names a local transaction instead of a sequence ({@link RowVersion#localTransaction()},
     * written by installs before local versions were written at sequencing) the sequence {@code txTable} holds for that
     * transaction, and forgets the transaction; returns how many. Versions of transactions {@code txTable} does not
     * know (not sequenced yet) are left as they are. Scans the table: meant to run once per install.
     */
    public int adoptSequences(DSLContext ctx, ShadowTable shadow, org.jooq.Table<?> txTable, Field<String> txKey, Field<Long> txSeq) {
        Field<String> key = DSL.field(DSL.name(txTable.getName(), txKey.getName()), String.class);
        Field<String> versionTx = DSL.field(DSL.name(shadow.name(), ShadowTable.TX.getName()), String.class);
        var seqOfTx = DSL.select(DSL.field(DSL.name(txTable.getName(), txSeq.getName()), Long.class)).from(txTable).where(key.eq(versionTx));
        return ctx.update(shadow.table()).set(ShadowTable.SEQ, DSL.field(seqOfTx)).set(ShadowTable.TX, (String) null)
            .where(ShadowTable.TX.isNotNull()).and(DSL.exists(DSL.selectOne().from(txTable).where(key.eq(versionTx)))).execute();
    }

    private static Object[] bindValues(ShadowTable shadow, RowVersion v) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < shadow.keyFields().size(); i++) {
            out.add(shadow.keyFields().get(i).getDataType().convert(v.key().get(i)));
        }
        out.add(v.timestamp());
        out.add(v.origin());
        out.add(v.originSequence().orElse(null));
        out.add(v.localTransaction().orElse(null));
        out.add(v.deleted());
        out.add(v.deletedImage().map(j -> shadow.image().getDataType().convert(j)).orElse(null));
        out.add(VersionDetail.json(v).orElse(null));
        return out.toArray();
    }

    private static List<Field<?>> insertColumns(ShadowTable shadow) {
        List<Field<?>> columns = new ArrayList<>(shadow.keyFields());
        columns.addAll(List.of(ShadowTable.TS, ShadowTable.ORIGIN, ShadowTable.SEQ, ShadowTable.TX, ShadowTable.DELETED, shadow.image(),
            ShadowTable.VERSION));
        return columns;
    }

    private static List<Field<?>> selectList(ShadowTable shadow) {
        List<Field<?>> columns = new ArrayList<>(shadow.keyFields());
        columns.addAll(List.of(ShadowTable.TS, ShadowTable.ORIGIN, ShadowTable.SEQ, ShadowTable.TX, ShadowTable.DELETED,
            shadow.image().cast(String.class).as("cv_image"), ShadowTable.VERSION));
        return columns;
    }

    static Condition keyIn(ShadowTable shadow, List<List<Object>> keys) {
        return KeyConditions.in(shadow.keyFields(), keys);
    }

    private static RowVersion toVersion(ShadowTable shadow, Record r) {
        List<Object> key = new ArrayList<>();
        for (Field<Object> f : shadow.keyFields()) {
            key.add(r.get(f.getName()));
        }
        VersionDetail.Parsed detail = VersionDetail.parse(r.get(ShadowTable.VERSION));
        return new RowVersion(key, r.get(ShadowTable.TS), r.get(ShadowTable.ORIGIN), Optional.ofNullable(r.get(ShadowTable.SEQ)),
            Optional.ofNullable(r.get(ShadowTable.TX)), Boolean.TRUE.equals(r.get(ShadowTable.DELETED)),
            Optional.ofNullable(r.get("cv_image", String.class)), detail.writes(), detail.columns(), detail.decision(), detail.lineage());
    }
}
