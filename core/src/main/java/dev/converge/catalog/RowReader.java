package dev.converge.catalog;

import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowImage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.SelectForUpdateStep;
import org.jooq.impl.DSL;

/**
 * Reads rows of a replicated table as the images capture makes of them, in canonical form: on PostgreSQL through the
 * same {@code row_to_json} capture uses ({@link PostgresImages}), on H2 through {@link H2Values}, as the capture trigger
 * does. So a local row and a captured image of it compare equal, and no JDBC conversion (a {@code java.sql.Date} and
 * its Julian calendar, say) stands between the database's value and Converge's. One query per call. Stateless;
 * thread-safe; runs in the caller's transaction.
 */
public final class RowReader {
    private RowReader() {
    }

    /** The rows of {@code t} matching {@code where}, projected to the replicated columns, optionally locked, in key order if asked. */
    public static List<RowImage> read(DSLContext ctx, BoundTable t, Condition where, boolean lock, boolean keyOrder) {
        if (t.dialect() == Dialect.POSTGRESQL) {
            Field<String> image = DSL.field(PostgresImages.json(ctx, t, ctx.render(DSL.name(t.name()))), String.class);
            var select = ctx.select(image).from(t.table()).where(where);
            var ordered = keyOrder ? select.orderBy(t.keyFields()) : select;
            return (lock ? ordered.forUpdate() : ordered).fetch(image).stream()
                .map(json -> t.canonical(ChangeSetCodec.imageFromJson(json)).project(t.spec().columns())).toList();
        }
        var select = ctx.select(t.replicatedFields()).from(t.table()).where(where);
        SelectForUpdateStep<?> ordered = keyOrder ? select.orderBy(t.keyFields()) : select;
        return h2(ctx, lock ? ordered.forUpdate() : ordered);
    }

    /**
     * At most {@code limit} rows of {@code t} matching {@code where} whose key comes after {@code after} (from the first
     * if empty), in key order: one page of a keyset scan, so a table of any size is read a page at a time (a snapshot
     * for a peer's resync). The order is this database's own; the caller hands back the last key it got.
     */
    public static List<RowImage> page(DSLContext ctx, BoundTable t, Condition where, java.util.Optional<List<Object>> after, int limit) {
        Condition from = after.map(k -> DSL.row(t.keyFields()).gt(DSL.row(k.stream().map(v -> DSL.val(v)).toList()))).orElse(DSL.noCondition());
        if (t.dialect() == Dialect.POSTGRESQL) {
            Field<String> image = DSL.field(PostgresImages.json(ctx, t, ctx.render(DSL.name(t.name()))), String.class);
            return ctx.select(image).from(t.table()).where(where).and(from).orderBy(t.keyFields()).limit(limit).fetch(image).stream()
                .map(json -> t.canonical(ChangeSetCodec.imageFromJson(json)).project(t.spec().columns())).toList();
        }
        return h2(ctx, ctx.select(t.replicatedFields()).from(t.table()).where(where).and(from).orderBy(t.keyFields()).limit(limit));
    }

    /**
     * Streams the rows of {@code t} matching {@code where}, projected to the replicated columns, in no particular order,
     * to {@code each}, one at a time: a cursor with a fetch size, so a table of any size costs the memory of one fetch.
     * On PostgreSQL the cursor needs the caller's transaction (autocommit off), or the driver reads the whole result.
     */
    public static void forEach(DSLContext ctx, BoundTable t, Condition where, java.util.function.Consumer<RowImage> each) {
        if (t.dialect() == Dialect.POSTGRESQL) {
            Field<String> image = DSL.field(PostgresImages.json(ctx, t, ctx.render(DSL.name(t.name()))), String.class);
            try (var cursor = ctx.select(image).from(t.table()).where(where).fetchSize(FETCH_SIZE).fetchLazy()) {
                for (var r : cursor) {
                    each.accept(t.canonical(ChangeSetCodec.imageFromJson(r.value1())).project(t.spec().columns()));
                }
            }
            return;
        }
        h2(ctx, ctx.select(t.replicatedFields()).from(t.table()).where(where), each);
    }

    /** Rows per round trip of a streaming read. */
    private static final int FETCH_SIZE = 1000;

    private static List<RowImage> h2(DSLContext ctx, Query query) {
        List<RowImage> out = new ArrayList<>();
        h2(ctx, query, out::add);
        return out;
    }

    private static void h2(DSLContext ctx, Query query, java.util.function.Consumer<RowImage> each) {
        String sql = ctx.render(query);
        List<Object> binds = ctx.extractBindValues(query);
        ctx.connection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(FETCH_SIZE);
                for (int i = 0; i < binds.size(); i++) {
                    ps.setObject(i + 1, binds.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    int n = md.getColumnCount();
                    int[] types = new int[n];
                    String[] names = new String[n];
                    String[] labels = new String[n];
                    for (int i = 0; i < n; i++) {
                        types[i] = md.getColumnType(i + 1);
                        names[i] = md.getColumnTypeName(i + 1);
                        labels[i] = md.getColumnLabel(i + 1);
                    }
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 0; i < n; i++) {
                            row.put(labels[i], H2Values.read(rs, i + 1, types[i], names[i]));
                        }
                        each.accept(new RowImage(row));
                    }
                }
            }
        });
    }
}
