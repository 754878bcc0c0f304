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
import org.jooq.InsertValuesStepN;
import org.jooq.Param;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Reads and writes shadow tables in batches: one query per {@value #CHUNK} keys, never one per row. Stateless and
 * thread-safe; every method works inside the caller's transaction (the {@link DSLContext} it is given).
 */
public final class JdbcShadowStore {
    static final int CHUNK = 500;

    /** Creates the shadow table unless it exists. */
    public void create(DSLContext ctx, ShadowTable shadow) {
        List<Field<?>> columns = new ArrayList<>(shadow.keyFields());
        columns.add(ShadowTable.TS);
        columns.add(ShadowTable.ORIGIN);
        columns.add(ShadowTable.SEQ);
        columns.add(ShadowTable.TX);
        columns.add(ShadowTable.DELETED);
        columns.add(shadow.image());
        ctx.createTableIfNotExists(shadow.table())
            .columns(columns)
            .constraints(DSL.constraint(name(shadow.name() + "_pk")).primaryKey(shadow.keyFields().toArray(Field[]::new)))
            .execute();
        ctx.createIndexIfNotExists(name(shadow.name() + "_purge")).on(shadow.table(), ShadowTable.DELETED, ShadowTable.TS).execute();
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

    /** Every tombstone (deleted row) in the shadow table, oldest first: for the workbench and for tests. */
    public List<RowVersion> tombstones(DSLContext ctx, ShadowTable shadow) {
        return ctx.select(selectList(shadow)).from(shadow.table()).where(ShadowTable.DELETED.isTrue())
            .orderBy(ShadowTable.TS).fetch(r -> toVersion(shadow, r));
    }

    /** Writes (inserts or replaces) the given versions; at most one version per key. */
    public void write(DSLContext ctx, ShadowTable shadow, List<RowVersion> versions) {
        for (int from = 0; from < versions.size(); from += CHUNK) {
            writeChunk(ctx, shadow, versions.subList(from, Math.min(versions.size(), from + CHUNK)));
        }
    }

    /**
     * Removes tombstones older than {@code horizon} (a packed hybrid timestamp every peer has acknowledged everything
     * before) and returns how many. Live versions stay: they are the row's current version.
     */
    public int purge(DSLContext ctx, ShadowTable shadow, long horizon) {
        return ctx.deleteFrom(shadow.table()).where(ShadowTable.DELETED.isTrue()).and(ShadowTable.TS.lt(horizon)).execute();
    }

    /** Records the origin sequence of local writes once their transaction has been sequenced. */
    public int sequenceLocal(DSLContext ctx, ShadowTable shadow, String txKey, long sequence) {
        return ctx.update(shadow.table()).set(ShadowTable.SEQ, sequence).setNull(ShadowTable.TX)
            .where(ShadowTable.TX.eq(txKey)).execute();
    }

    private void writeChunk(DSLContext ctx, ShadowTable shadow, List<RowVersion> chunk) {
        if (ctx.dialect().family() == SQLDialect.H2) {
            // jOOQ emulates a multi-row upsert on H2 as MERGE ... USING (SELECT ... UNION ALL SELECT ...), which H2 parses
            // in time quadratic in the rows (a 500-row chunk took about a second). One single-row upsert, prepared once
            // and bound per row in a JDBC batch, is parsed once.
            List<Field<?>> placeholders = insertColumns(shadow).stream().<Field<?>>map(f -> val(null, f.getDataType())).toList();
            var batch = ctx.batch(upsert(ctx, shadow, List.of(placeholders)));
            for (RowVersion v : chunk) {
                batch = batch.bind(values(shadow, v).stream().map(p -> ((Param<?>) p).getValue()).toArray());
            }
            batch.execute();
            return;
        }
        List<List<Field<?>>> rows = new ArrayList<>();
        for (RowVersion v : chunk) {
            rows.add(values(shadow, v));
        }
        upsert(ctx, shadow, rows).execute();
    }

    private static org.jooq.Query upsert(DSLContext ctx, ShadowTable shadow, List<List<Field<?>>> rows) {
        List<Field<?>> columns = insertColumns(shadow);
        InsertValuesStepN<Record> insert = ctx.insertInto(shadow.table(), columns);
        for (List<Field<?>> row : rows) {
            insert = insert.values(row);
        }
        Map<Field<?>, Field<?>> updates = new java.util.LinkedHashMap<>();
        for (Field<?> f : columns.subList(shadow.keyFields().size(), columns.size())) {
            updates.put(f, excluded(f));
        }
        // qualified conflict keys: H2's MERGE emulation otherwise finds the key column ambiguous
        List<Field<Object>> conflictKeys = shadow.keyFields().stream()
            .map(f -> DSL.field(DSL.name(shadow.name(), f.getName()), f.getDataType())).toList();
        return insert.onConflict(conflictKeys).doUpdate().set(updates);
    }

    private static List<Field<?>> insertColumns(ShadowTable shadow) {
        List<Field<?>> columns = new ArrayList<>(shadow.keyFields());
        columns.addAll(List.of(ShadowTable.TS, ShadowTable.ORIGIN, ShadowTable.SEQ, ShadowTable.TX, ShadowTable.DELETED, shadow.image()));
        return columns;
    }

    private static List<Field<?>> values(ShadowTable shadow, RowVersion v) {
        List<Field<?>> out = new ArrayList<>();
        for (int i = 0; i < shadow.keyFields().size(); i++) {
            Field<Object> f = shadow.keyFields().get(i);
            out.add(val(f.getDataType().convert(v.key().get(i)), f.getDataType()));
        }
        out.add(val(v.timestamp()));
        out.add(val(v.origin()));
        out.add(val(v.originSequence().orElse(null), ShadowTable.SEQ.getDataType()));
        out.add(val(v.localTransaction().orElse(null), ShadowTable.TX.getDataType()));
        out.add(val(v.deleted()));
        out.add(imageValue(shadow, v.deletedImage()));
        return out;
    }

    private static Field<?> imageValue(ShadowTable shadow, Optional<String> json) {
        Object value = json.map(j -> shadow.image().getDataType().convert(j)).orElse(null);
        return val(value, shadow.image().getDataType());
    }

    private static List<Field<?>> selectList(ShadowTable shadow) {
        List<Field<?>> columns = new ArrayList<>(shadow.keyFields());
        columns.addAll(List.of(ShadowTable.TS, ShadowTable.ORIGIN, ShadowTable.SEQ, ShadowTable.TX, ShadowTable.DELETED,
            shadow.image().cast(String.class).as("cv_image")));
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
        return new RowVersion(key, r.get(ShadowTable.TS), r.get(ShadowTable.ORIGIN), Optional.ofNullable(r.get(ShadowTable.SEQ)),
            Optional.ofNullable(r.get(ShadowTable.TX)), Boolean.TRUE.equals(r.get(ShadowTable.DELETED)),
            Optional.ofNullable(r.get("cv_image", String.class)));
    }
}
