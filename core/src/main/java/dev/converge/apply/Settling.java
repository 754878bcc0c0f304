package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.dialect.Savepoints;
import dev.converge.model.RowImage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Finds an order, and if need be a form, in which the target accepts the rows of one ChangeSet that it refused when
 * they were written set-based in net-effect order. A ChangeSet is one committed transaction of its origin, whose
 * constraints accepted it; the net effect collapsed it per row and so lost the order (and the intermediate states)
 * those constraints relied on. Three steps, the last two under a savepoint, each undone whole if it does not settle every row:
 *
 * <ol>
 *   <li><b>Passes.</b> The rows are written one at a time, inserts and updates first, deletes only once no insert or
 *       update makes progress, again and again while a pass writes at least one row that the previous one could not.
 *       This finds any order that single-row writes can take: a child before its parent, a new unique value before
 *       the delete that frees it, a parent key change (new key, its children moved, then the old key deleted).</li>
 *   <li><b>Two steps.</b> Rows no order settles need the intermediate state their transaction went through: a
 *       self-referencing cycle, two rows swapping a UNIQUE value. Each stuck insert or update is first written with
 *       its nullable non-key columns set to NULL (NULL satisfies a foreign key and never collides on a unique index),
 *       then, in passes, with its final values. Only if every stuck row then settles is the result kept.</li>
 *   <li><b>Replace.</b> What NULL cannot carry (rows swapping a NOT NULL UNIQUE value): the stuck updates' rows are
 *       deleted and inserted again with their final values, where that touches no other row (see {@link #replaced}).</li>
 * </ol>
 *
 * <p>Genuine conflicts stay detected: the final state every row ends in is checked by the target's constraints when
 * it is written, so a row that refers to a parent deleted concurrently on another peer, or collides with another
 * peer's concurrent unique value, is still refused and returned as a rejection (a {@code constraint} conflict). What
 * this cannot settle is also returned: a cycle or swap through NOT NULL columns of a table that cannot be replaced (the origin went through a state the
 * net effect no longer carries).
 *
 * <p>Cost: only paid when a set-based write was refused; a pass writes its rows in groups that are halved around the
 * refused ones (see {@link #attempt}), so it costs about one statement per refused row plus a few per accepted run, and
 * a pass runs only after the previous one made progress. Holds no rows beyond the list of writes the apply already holds.
 * Confined to the apply transaction's thread.
 */
final class Settling {
    private final RowWriter writer;
    private final Connection connection;
    private final DSLContext ctx;

    Settling(RowWriter writer, Connection connection, DSLContext ctx) {
        this.writer = writer;
        this.connection = connection;
        this.ctx = ctx;
    }

    /** The rows still refused, by their index in {@code writes}, in that order; the others are written. */
    List<RowWriter.Rejection> settle(List<RowWriter.Write> writes) throws SQLException {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            all.add(i);
        }
        Map<Integer, String> refused = passes(writes, all, Function.identity());
        if (refused.isEmpty() || twoSteps(writes, new ArrayList<>(refused.keySet())) || replaced(writes, new ArrayList<>(refused.keySet()))) {
            return List.of();
        }
        List<RowWriter.Rejection> out = new ArrayList<>();
        refused.forEach((i, reason) -> out.add(new RowWriter.Rejection(i, reason)));
        return out;
    }

    /**
     * Writes the pending rows (in {@code form}) in passes while they make progress.
     *
     * @return the rows no pass could write, with the reason of their last refusal, in index order
     */
    private Map<Integer, String> passes(List<RowWriter.Write> writes, List<Integer> pending,
                                        Function<RowWriter.Write, RowWriter.Write> form) throws SQLException {
        Map<Integer, String> reasons = new HashMap<>();
        List<Integer> left = pending;
        while (!left.isEmpty()) {
            List<Integer> upserts = left.stream().filter(i -> !(writes.get(i) instanceof RowWriter.DeleteRow)).toList();
            List<Integer> deletes = left.stream().filter(i -> writes.get(i) instanceof RowWriter.DeleteRow).toList();
            List<Integer> stuck = attempt(writes, upserts, form, reasons);
            if (!stuck.isEmpty() && stuck.size() < upserts.size()) {
                left = merged(stuck, deletes);
                continue;
            }
            // deletes wait until no insert or update can move: under ON DELETE CASCADE an early delete would remove rows
            List<Integer> stuckDeletes = attempt(writes, deletes, form, reasons);
            boolean progress = stuck.size() < upserts.size() || stuckDeletes.size() < deletes.size();
            left = merged(stuck, stuckDeletes);
            if (!progress) {
                break;
            }
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        left.forEach(i -> out.put(i, reasons.get(i)));
        return out;
    }

    /**
     * Writes the rows at {@code indices} (in {@code form}) in that order, each that the target takes, and returns those
     * it refuses, with their reasons in {@code reasons}. The same rows end up written as writing them one at a time in
     * order does, but in groups: a group the target takes whole is one round trip; a refused group is halved until the
     * rows it refuses stand alone (each row is found refused only when written alone, so its reason is its own). Groups
     * start at one row and double after each success, so a pass with a few refused rows among many costs a few dozen
     * round trips, not one per row, and a pass where every row is refused costs one per row, as before (a refused group
     * is not free: H2 runs every row of a batch before it reports the refusal).
     */
    private List<Integer> attempt(List<RowWriter.Write> writes, List<Integer> indices, Function<RowWriter.Write, RowWriter.Write> form,
                                  Map<Integer, String> reasons) throws SQLException {
        List<Integer> stuck = new ArrayList<>();
        int size = 1;
        for (int from = 0; from < indices.size(); ) {
            List<Integer> group = indices.subList(from, Math.min(indices.size(), from + size));
            if (group.size() == 1) {
                int i = group.get(0);
                Optional<String> refused = writer.attempt(form.apply(writes.get(i)));
                if (refused.isPresent()) {
                    reasons.put(i, refused.get());
                    stuck.add(i);
                } else {
                    size = 2;
                }
                from++;
            } else if (writer.attemptAll(group.stream().map(i -> form.apply(writes.get(i))).toList())) {
                from += group.size();
                size = (int) Math.min(Integer.MAX_VALUE, 2L * group.size());
            } else {
                size = group.size() / 2;
            }
        }
        return stuck;
    }

    private static List<Integer> merged(List<Integer> a, List<Integer> b) {
        List<Integer> out = new ArrayList<>(a);
        out.addAll(b);
        out.sort(Integer::compare);
        return out;
    }

    /** Step 2 of the class comment; true if every stuck row is written, else nothing of this step is kept. */
    private boolean twoSteps(List<RowWriter.Write> writes, List<Integer> stuck) throws SQLException {
        Savepoint before = Savepoints.set(connection);
        List<RowWriter.Write> firsts = stuck.stream().flatMap(i -> nulled(writes.get(i)).stream()).toList();
        if (!firsts.isEmpty() && !writer.attemptAll(firsts) && !everyOneAlone(firsts)) {
            Savepoints.undo(connection, before);
            return false;
        }
        if (!passes(writes, stuck, Settling::finalForm).isEmpty()) {
            Savepoints.undo(connection, before);
            return false;
        }
        Savepoints.keep(connection, before);
        return true;
    }

    /**
     * Step 3 of the class comment, for what NULL cannot carry (a swap of NOT NULL UNIQUE values): every stuck update's
     * row is deleted, then the stuck rows are written in passes, the updated ones inserted with their final values.
     * Only where that cannot touch another row or lose a value: every stuck update's table replicates all its columns
     * (an insert writes the whole row) and no foreign key that refers to it cascades or sets anything on delete (a
     * restricting one refuses the delete, and the step is undone). True if every stuck row is written, else nothing of
     * this step is kept.
     */
    private boolean replaced(List<RowWriter.Write> writes, List<Integer> stuck) throws SQLException {
        List<RowWriter.UpdateRow> updates = stuck.stream().map(writes::get).filter(RowWriter.UpdateRow.class::isInstance)
            .map(RowWriter.UpdateRow.class::cast).toList();
        if (updates.isEmpty() || !updates.stream().map(RowWriter.UpdateRow::table).distinct().allMatch(this::replaceable)) {
            return false;
        }
        Savepoint before = Savepoints.set(connection);
        List<RowWriter.Write> deletes = updates.stream().<RowWriter.Write>map(u -> new RowWriter.DeleteRow(u.table(), u.key())).toList();
        if (!writer.attemptAll(deletes) && !everyOneAlone(deletes)) {
            Savepoints.undo(connection, before);
            return false;
        }
        if (!passes(writes, stuck, Settling::asInsert).isEmpty()) {
            Savepoints.undo(connection, before);
            return false;
        }
        Savepoints.keep(connection, before);
        return true;
    }

    /**
     * Writes {@code rows} one at a time, in order, after the target refused them as a group (a group may be refused
     * where the rows one by one are not: on PostgreSQL one statement's rows are not written in the list's order);
     * true if it took every one. The caller undoes what was written when it returns false.
     */
    private boolean everyOneAlone(List<RowWriter.Write> rows) throws SQLException {
        for (RowWriter.Write w : rows) {
            if (writer.attempt(w).isPresent()) {
                return false;
            }
        }
        return true;
    }

    /** Step 3's form: an update becomes the insert of its final row (its row was deleted). */
    static RowWriter.Write asInsert(RowWriter.Write w) {
        return w instanceof RowWriter.UpdateRow u ? new RowWriter.InsertRow(u.table(), u.row()) : w;
    }

    /** Whether deleting and inserting a row of {@code t} again reproduces it and touches no other row (see {@link #replaced}). */
    private boolean replaceable(BoundTable t) {
        List<String> stored = t.spec().allColumns().stream().filter(c -> !t.generated().computed().contains(c)).toList();
        if (!t.spec().columns().containsAll(stored)) {
            return false;
        }
        // the standard views, on both databases: the delete rules of the foreign keys that refer to the table
        List<String> rules = ctx.resultQuery("SELECT rc.delete_rule FROM information_schema.referential_constraints rc"
                + " JOIN information_schema.table_constraints tc ON tc.constraint_name = rc.unique_constraint_name"
                + " AND tc.constraint_schema = rc.unique_constraint_schema"
                + " WHERE tc.table_name = {0} AND tc.table_schema = CURRENT_SCHEMA", DSL.val(t.table().getName()))
            .fetch(0, String.class);
        return rules.stream().allMatch(r -> r.equals("RESTRICT") || r.equals("NO ACTION"));
    }

    /** The first of two steps: the row with its nullable non-key columns NULL; empty for a delete or if nothing changes. */
    static Optional<RowWriter.Write> nulled(RowWriter.Write w) {
        if (w instanceof RowWriter.InsertRow i) {
            return Optional.of(new RowWriter.InsertRow(i.table(), withoutNullables(i.table(), i.row())));
        }
        if (w instanceof RowWriter.UpdateRow u) {
            RowImage nulled = withoutNullables(u.table(), u.row());
            return nulled.sameAs(u.row()) ? Optional.empty() : Optional.of(new RowWriter.UpdateRow(u.table(), u.key(), nulled));
        }
        return Optional.empty();
    }

    /** The second step: an insert whose row the first step wrote becomes an update to its final values. */
    static RowWriter.Write finalForm(RowWriter.Write w) {
        if (w instanceof RowWriter.InsertRow i) {
            return new RowWriter.UpdateRow(i.table(), i.table().keyOf(i.row()), i.row());
        }
        return w;
    }

    private static RowImage withoutNullables(BoundTable t, RowImage row) {
        Map<String, Object> nulls = new HashMap<>();
        List<Field<Object>> keys = t.keyFields();
        for (Field<Object> f : t.replicatedFields()) {
            if (!keys.contains(f) && f.getDataType().nullable() && row.has(f.getName()) && row.get(f.getName()) != null) {
                nulls.put(f.getName(), null);
            }
        }
        return nulls.isEmpty() ? row : row.with(nulls);
    }
}
