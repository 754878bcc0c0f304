package dev.converge.apply;

import static org.jooq.impl.DSL.val;

import dev.converge.catalog.BoundTable;
import dev.converge.dialect.Savepoints;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.Recordset;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.exception.DataAccessException;

/**
 * Writes rows in batches: consecutive writes of the same kind to the same table go as one JDBC batch (one round
 * trip; on PostgreSQL one statement), inserts and updates in the order given, then the deletes in the order given.
 * Deletes go last because a row a transaction deleted is no longer referenced once the transaction's other rows are
 * written (at the origin nothing referred to it at commit), whereas deleting it first would fail a foreign key or,
 * under {@code ON DELETE CASCADE}, remove rows that the transaction moved elsewhere (a parent key change).
 *
 * <p>When the target refuses a batch (a constraint, or a value the column cannot hold), the writer rolls back to a
 * savepoint and hands the rows to {@link Settling}, which writes them one at a time in passes until the target accepts
 * them all or no pass makes progress; only the rows still refused are returned, and the caller records them. Any other
 * database failure propagates and the whole apply transaction rolls back. Confined to the apply transaction's thread.
 */
final class RowWriter {
    sealed interface Write permits InsertRow, UpdateRow, DeleteRow {
        BoundTable table();
    }

    record InsertRow(BoundTable table, RowImage row) implements Write {
    }

    record UpdateRow(BoundTable table, RowKey key, RowImage row) implements Write {
    }

    record DeleteRow(BoundTable table, RowKey key) implements Write {
    }

    /** A write the target refused, by its index in the list given to {@link #execute}. */
    record Rejection(int index, String reason) {
    }

    private final Connection connection;
    private final DSLContext ctx;

    RowWriter(Connection connection, DSLContext ctx) {
        this.connection = connection;
        this.ctx = ctx;
    }

    List<Rejection> execute(List<Write> writes) throws SQLException {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<Write> ordered = new ArrayList<>(writes.size());
        writes.stream().filter(w -> !(w instanceof DeleteRow)).forEach(ordered::add);
        writes.stream().filter(w -> w instanceof DeleteRow).forEach(ordered::add);
        List<Rejection> rejected = write(ordered, writes);
        java.util.Set<Integer> refused = new java.util.HashSet<>();
        rejected.forEach(r -> refused.add(r.index()));
        List<InsertRow> inserted = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i) instanceof InsertRow insert && !refused.contains(i)) {
                inserted.add(insert);
            }
        }
        Identities.advance(ctx, inserted);
        return rejected;
    }

    private List<Rejection> write(List<Write> ordered, List<Write> writes) throws SQLException {
        Savepoint all = Savepoints.set(connection);
        try {
            batches(ordered);
            Savepoints.keep(connection, all);
            return List.of();
        } catch (DataAccessException | Unconvertible e) {
            if (!isRejection(e)) {
                throw e;
            }
            Savepoints.undo(connection, all);
            return new Settling(this, connection, ctx).settle(writes);
        }
    }

    /**
     * Writes one row under its own savepoint.
     *
     * @return empty if the target took it, else why it refused it (the row is then rolled back)
     * @throws DataAccessException any failure other than a refusal
     */
    Optional<String> attempt(Write w) throws SQLException {
        Savepoint sp = Savepoints.set(connection);
        try {
            batch(List.of(w));
            Savepoints.keep(connection, sp);
            return Optional.empty();
        } catch (DataAccessException | Unconvertible e) {
            if (!isRejection(e)) {
                throw e;
            }
            Savepoints.undo(connection, sp);
            return Optional.of(e instanceof Unconvertible ? e.getMessage() : reason((DataAccessException) e));
        }
    }

    /**
     * Writes {@code group} in order, as {@link #execute} batches it, under one savepoint: all of it, or (the target
     * refused one of its rows) none of it. Tells which rows to try one at a time without paying a round trip each for
     * the many the target takes (see {@link Settling}).
     *
     * @return whether the target took every row
     * @throws DataAccessException any failure other than a refusal
     */
    boolean attemptAll(List<Write> group) throws SQLException {
        Savepoint sp = Savepoints.set(connection);
        try {
            batches(group);
            Savepoints.keep(connection, sp);
            return true;
        } catch (DataAccessException | Unconvertible e) {
            if (!isRejection(e)) {
                throw e;
            }
            Savepoints.undo(connection, sp);
            return false;
        }
    }

    /** Writes {@code writes} in order, each run of the same kind, table and columns as one batch. */
    private void batches(List<Write> writes) {
        for (int from = 0; from < writes.size(); ) {
            int to = runEnd(writes, from);
            batch(writes.subList(from, to));
            from = to;
        }
    }

    private static int runEnd(List<Write> writes, int from) {
        Write first = writes.get(from);
        List<Field<Object>> columns = columns(first);
        int to = from + 1;
        while (to < writes.size() && to - from < Recordset.MAX_ROWS && writes.get(to).getClass() == first.getClass()
            && writes.get(to).table() == first.table() && columns(writes.get(to)).equals(columns)) {
            to++;
        }
        return to;
    }

    /**
     * The columns a write sets: the replicated columns its row carries. A row from a peer whose table lacks a column
     * (not added there yet, or dropped there already) leaves that column as it is, or to its default on insert,
     * instead of setting it to NULL; a column the row carries that the table lacks never gets here (the node holds
     * such a ChangeSet back). Computed columns are never written (the target computes them), nor is a
     * {@code GENERATED ALWAYS} identity by an update (no statement may; an insert writes it, see {@link #insert}).
     */
    private static List<Field<Object>> columns(Write w) {
        if (w instanceof DeleteRow d) {
            return d.table().keyFields();
        }
        RowImage row = w instanceof InsertRow i ? i.row() : ((UpdateRow) w).row();
        java.util.Set<String> skipped = w instanceof InsertRow ? w.table().generated().computed()
            : union(w.table().generated().computed(), w.table().generated().alwaysIdentities());
        return w.table().replicatedFields().stream().filter(f -> row.has(f.getName()) && !skipped.contains(f.getName())).toList();
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * An insert of {@code cols} from {@code source} (a VALUES row or a query). A {@code GENERATED ALWAYS} identity
     * takes the origin's value only with {@code OVERRIDING SYSTEM VALUE}, which jOOQ's DSL does not offer: a template
     * whose parts (table, column names, source) jOOQ renders and quotes.
     */
    private org.jooq.Query insert(BoundTable t, List<Field<Object>> cols, org.jooq.QueryPart source, boolean values) {
        boolean overriding = cols.stream().anyMatch(f -> t.generated().alwaysIdentities().contains(f.getName()));
        if (!overriding) {
            return values ? ctx.insertInto(t.table(), cols).values(placeholders(t, cols))
                : ctx.insertInto(t.table(), cols).select((org.jooq.Select<?>) source);
        }
        org.jooq.QueryPart names = DSL.list(cols.stream().map(f -> DSL.name(f.getName())).toList());
        return values ? ctx.query("insert into {0} ({1}) overriding system value values ({2})", t.table(), names, source)
            : ctx.query("insert into {0} ({1}) overriding system value {2}", t.table(), names, source);
    }

    private void batch(List<Write> run) {
        if (run.size() > 1 && ctx.dialect().family() == SQLDialect.POSTGRES && asRecordset(run)) {
            return;
        }
        Write first = run.get(0);
        BoundTable t = first.table();
        if (first instanceof InsertRow) {
            List<Field<Object>> cols = columns(first);
            var batch = ctx.batch(insert(t, cols, DSL.list(placeholders(t, cols)), true));
            for (Write w : run) {
                batch = batch.bind(values(t, cols, ((InsertRow) w).row()));
            }
            batch.execute();
        } else if (first instanceof UpdateRow) {
            updates(t, run);
        } else {
            List<Field<Object>> keys = t.keyFields();
            var batch = ctx.batch(ctx.deleteFrom(t.table()).where(keyMatch(keys)));
            for (Write w : run) {
                batch = batch.bind(t.typedKey(((DeleteRow) w).key()).toArray());
            }
            batch.execute();
        }
    }

    /**
     * PostgreSQL: the whole run as one statement over a {@link Recordset}, unless a key repeats in it (an
     * {@code UPDATE ... FROM} would then apply only one of the rows) or a value has no faithful form there; then false,
     * and the run goes as a JDBC batch. Either way the rows are written in the same order and with the same values.
     */
    private boolean asRecordset(List<Write> run) {
        BoundTable t = run.get(0).table();
        List<Field<Object>> keys = t.keyFields();
        java.util.Set<List<Object>> seen = new java.util.HashSet<>();
        List<Object[]> rows = new ArrayList<>(run.size());
        List<Field<Object>> cols = columns(run.get(0));
        for (Write w : run) {
            List<Object> key = t.typedKey(keyOf(w));
            if (!seen.add(key)) {
                return false;
            }
            rows.add(w instanceof DeleteRow ? key.toArray() : values(t, cols, w instanceof InsertRow i ? i.row() : ((UpdateRow) w).row()));
        }
        Optional<Table<Record>> recordset = Recordset.source(t.table(), cols, rows, "cv_v");
        if (recordset.isEmpty()) {
            return false;
        }
        Table<Record> v = recordset.get();
        org.jooq.Condition sameKey = DSL.noCondition();
        for (Field<Object> k : keys) {
            sameKey = sameKey.and(k.eq(source(k)));
        }
        if (run.get(0) instanceof InsertRow) {
            insert(t, cols, DSL.select(cols.stream().map(RowWriter::source).toList()).from(v), false).execute();
        } else if (run.get(0) instanceof DeleteRow) {
            ctx.deleteFrom(t.table()).using(v).where(sameKey).execute();
        } else {
            java.util.Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
            cols.stream().filter(f -> !keys.contains(f)).forEach(f -> set.put(f, source(f)));
            if (!set.isEmpty()) {
                ctx.update(t.table()).set(set).from(v).where(sameKey).execute();
            }
        }
        return true;
    }

    private static Field<Object> source(Field<Object> column) {
        return DSL.field(DSL.name("cv_v", column.getName()), column.getDataType());
    }

    private static RowKey keyOf(Write w) {
        if (w instanceof InsertRow i) {
            return i.table().keyOf(i.row());
        }
        return w instanceof UpdateRow u ? u.key() : ((DeleteRow) w).key();
    }

    private void updates(BoundTable t, List<Write> run) {
        List<Field<Object>> keys = t.keyFields();
        List<Field<Object>> set = columns(run.get(0)).stream().filter(f -> !keys.contains(f)).toList();
        if (set.isEmpty()) {
            return; // a table of key columns only: an update of the same key changes nothing
        }
        var update = ctx.update(t.table()).set(setMap(t, set)).where(keyMatch(keys));
        var batch = ctx.batch(update);
        for (Write w : run) {
            UpdateRow u = (UpdateRow) w;
            List<Object> binds = new ArrayList<>(java.util.Arrays.asList(values(t, set, u.row())));
            binds.addAll(t.typedKey(u.key()));
            batch = batch.bind(binds.toArray());
        }
        batch.execute();
    }

    private static java.util.Map<Field<?>, Field<?>> setMap(BoundTable t, List<Field<Object>> set) {
        java.util.Map<Field<?>, Field<?>> m = new java.util.LinkedHashMap<>();
        for (Field<Object> f : set) {
            m.put(f, t.placeholder(f));
        }
        return m;
    }

    private static org.jooq.Condition keyMatch(List<Field<Object>> keys) {
        org.jooq.Condition c = DSL.noCondition();
        for (Field<Object> k : keys) {
            c = c.and(k.eq(val(null, k.getDataType())));
        }
        return c;
    }

    /** The {@code ?} of each column: cast to the column's type where the value travels as text (see {@code ColumnType}). */
    private static List<Field<?>> placeholders(BoundTable t, List<Field<Object>> cols) {
        return cols.stream().<Field<?>>map(t::placeholder).toList();
    }

    private static Object[] values(BoundTable t, List<Field<Object>> cols, RowImage row) {
        Object[] out = new Object[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            String column = cols.get(i).getName();
            try {
                out[i] = t.typedValue(row, column);
            } catch (RuntimeException e) {
                throw new Unconvertible("column " + column + ": value " + row.get(column) + " cannot be converted to "
                    + cols.get(i).getDataType().getTypeName() + " (" + e + ")", e);
            }
        }
        return out;
    }

    /**
     * A value of an incoming row that cannot be turned into its column's Java type here (a date the driver cannot
     * represent, say): the row is refused like one the database refuses, not the whole ChangeSet.
     */
    static final class Unconvertible extends RuntimeException {
        Unconvertible(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static boolean isRejection(RuntimeException e) {
        return e instanceof Unconvertible || isRejection((DataAccessException) e);
    }

    /** Integrity violations (SQLSTATE class 23) and data the column cannot hold (class 22). */
    static boolean isRejection(DataAccessException e) {
        String state = sqlState(e).orElse("");
        return state.startsWith("23") || state.startsWith("22");
    }

    static String reason(DataAccessException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                t = sql.getNextException();
            }
        }
        String message = t.getMessage() == null ? e.getMessage() : t.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static Optional<String> sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null && !s.getSQLState().isEmpty()) {
                        return Optional.of(s.getSQLState());
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

}
