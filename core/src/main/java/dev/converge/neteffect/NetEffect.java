package dev.converge.neteffect;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ReplicatedTable;
import dev.converge.model.Change;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Collapses the row operations of one committed source transaction into its net effect, the Informix ER evaluation
 * the seed article describes: per table and row key, only the difference between the row as the replica saw it
 * before the transaction and as it should see it after.
 *
 * <p>Rules, per (table, key), after an UPDATE that changes the key has been split into a DELETE of the old row and an
 * INSERT of the new one at the same position:
 * <ul>
 *   <li>the row <em>was there</em> iff the first operation is an UPDATE or DELETE whose before image matched the row
 *       filter; it <em>is there</em> iff the last operation is an INSERT or UPDATE whose after image matches;</li>
 *   <li>neither: nothing; was only: a {@link Change.Delete} of the <em>original</em> before image (so that the target
 *       can detect conflicts on the full image); is only: a {@link Change.Insert} of the final image; both: a
 *       {@link Change.Update} from the original to the final image, dropped if the two are the same once projected to
 *       the replicated columns (an update that touched only columns outside the subset replicates nothing).</li>
 * </ul>
 * Images are projected to the table's replicated columns. A change carries the timestamp of the last operation on its
 * key (the outbound queue gives every operation of a transaction the transaction's timestamp, so all its changes carry
 * that one).
 *
 * <p>Order: each change is anchored at the first operation on its key (insert, update) or the last (delete), so that a
 * parent inserted before its children still precedes them and a parent deleted after its children still follows them.
 * Changes are sorted by anchor, stably, over rows in order of their first appearance in the transaction. Two changes
 * share an anchor only at a key change: the old row's change (a delete, or an update or insert if the old key is
 * reused later) and the new row's insert. The old row's key always appears first (the split puts its delete first),
 * so the old row's change is applied first and the key is free before the new row claims it.
 *
 * <p>The anchors are a heuristic, exact only when each row is written once. A row written both before and after
 * another row's change can need to be applied at either end: product 1023 (referring to supplier 12) updated at 1,
 * supplier 13 inserted at 2, product 1023 moved to supplier 13 at 3 ships the product's update (anchored at 1) before
 * the supplier's insert; product 1023 moved to supplier 13 at 1, supplier 12 deleted at 2, product 1023 deleted at 3
 * ships supplier 12's delete before the product's (whose original image still refers to 12). The apply engine
 * therefore writes deletes last and settles whatever the target refuses row by row ({@code apply.Settling}).
 *
 * <p>Pure and thread-safe: no state, the input is not modified.
 */
public final class NetEffect {
    private NetEffect() {
    }

    /**
     * The net effect of one transaction.
     *
     * @param raw the transaction's row operations in capture order; not null, no null elements
     * @param tables the replicated table for a name as it appears in {@link RawChange#table()}, or null if unknown
     * @return the changes to ship, in apply order, each naming its table as {@link ReplicatedTable#name()} spells it;
     *     empty if the transaction changes nothing a replica sees
     * @throws IllegalArgumentException if an operation names a table {@code tables} does not know, or if positions do
     *     not strictly increase (the anchors, hence the apply order, would be meaningless)
     */
    public static List<Change> of(List<RawChange> raw, Function<String, ReplicatedTable> tables) {
        Objects.requireNonNull(tables);
        requireCaptureOrder(raw);
        Map<RowRef, List<RawChange>> byRow = groupByRow(raw, tables);
        List<Anchored> out = new ArrayList<>();
        byRow.forEach((ref, ops) -> collapse(ref, ops).ifPresent(out::add));
        out.sort(APPLY_ORDER);
        return out.stream().map(Anchored::change).toList();
    }

    /** One row of one table. */
    record RowRef(ReplicatedTable table, RowKey key) {
    }

    /** A net change with its anchor: the position in the transaction it is applied at. */
    record Anchored(Change change, long anchor) {
    }

    /** Used with a stable sort over rows in order of first appearance, which breaks ties (see the class comment). */
    private static final Comparator<Anchored> APPLY_ORDER = Comparator.comparingLong(Anchored::anchor);

    static void requireCaptureOrder(List<RawChange> raw) {
        for (int i = 1; i < raw.size(); i++) {
            if (raw.get(i).position() <= raw.get(i - 1).position()) {
                throw new IllegalArgumentException("raw changes out of capture order: position " + raw.get(i).position()
                    + " follows " + raw.get(i - 1).position());
            }
        }
    }

    /** Operations grouped by row, rows in order of first appearance, each row's operations in capture order. */
    static Map<RowRef, List<RawChange>> groupByRow(List<RawChange> raw, Function<String, ReplicatedTable> tables) {
        Map<RowRef, List<RawChange>> byRow = new LinkedHashMap<>();
        for (RawChange op : raw) {
            ReplicatedTable table = tableOf(op.table(), tables);
            for (RawChange part : splitKeyChange(op, table)) {
                RowRef ref = new RowRef(table, table.keyOf(part.after() != null ? part.after() : part.before()));
                byRow.computeIfAbsent(ref, r -> new ArrayList<>()).add(part);
            }
        }
        return byRow;
    }

    static ReplicatedTable tableOf(String name, Function<String, ReplicatedTable> tables) {
        ReplicatedTable table = tables.apply(name);
        if (table == null) {
            throw new IllegalArgumentException("table " + name + " is not replicated (no configuration for it)");
        }
        return table;
    }

    /** An UPDATE that changes the key becomes a DELETE of the old row and an INSERT of the new one, same position. */
    static List<RawChange> splitKeyChange(RawChange op, ReplicatedTable table) {
        if (op.operation() != RawChange.Operation.UPDATE || table.keyOf(op.before()).equals(table.keyOf(op.after()))) {
            return List.of(op);
        }
        return List.of(
            RawChange.delete(op.position(), op.table(), op.before(), op.beforeMatches(), op.timestamp()),
            RawChange.insert(op.position(), op.table(), op.after(), op.afterMatches(), op.timestamp()));
    }

    /** The net change of one row's operations, if any. */
    static Optional<Anchored> collapse(RowRef ref, List<RawChange> ops) {
        RawChange first = ops.get(0);
        RawChange last = ops.get(ops.size() - 1);
        boolean wasThere = first.operation() != RawChange.Operation.INSERT && first.beforeMatches();
        boolean isThere = last.operation() != RawChange.Operation.DELETE && last.afterMatches();
        if (wasThere && isThere) {
            return updateOf(ref, first, last);
        }
        if (wasThere) {
            return Optional.of(deleteOf(ref, first, last));
        }
        if (isThere) {
            return Optional.of(insertOf(ref, first, last));
        }
        return Optional.empty();
    }

    static Anchored insertOf(RowRef ref, RawChange first, RawChange last) {
        Change insert = new Change.Insert(name(ref), ref.key(), ref.table().project(last.after()), last.timestamp());
        return new Anchored(insert, first.position());
    }

    static Anchored deleteOf(RowRef ref, RawChange first, RawChange last) {
        Change delete = new Change.Delete(name(ref), ref.key(), ref.table().project(first.before()), last.timestamp());
        return new Anchored(delete, last.position());
    }

    /** Empty when the projected images are the same: nothing a replica sees has changed. */
    static Optional<Anchored> updateOf(RowRef ref, RawChange first, RawChange last) {
        RowImage before = ref.table().project(first.before());
        RowImage after = ref.table().project(last.after());
        if (before.sameAs(after)) {
            return Optional.empty();
        }
        HybridTimestamp ts = last.timestamp();
        return Optional.of(new Anchored(new Change.Update(name(ref), ref.key(), before, after, ts), first.position()));
    }

    private static String name(RowRef ref) {
        return ref.table().name();
    }

    // ---- a row at a time: for transactions too large to hold in memory -------------------------------------------

    /** A row's net change and its anchor, the position in the transaction it is applied at (see the class comment). */
    public record Net(Change change, long anchor) {
    }

    /**
     * The row operations one captured operation stands for: itself, or for an UPDATE that changes the key, a DELETE of
     * the old row and an INSERT of the new one at the same position, the old row's first.
     */
    public static List<RawChange> perRow(RawChange op, ReplicatedTable table) {
        return splitKeyChange(op, table);
    }

    /** The key of the row a per-row operation ({@link #perRow}) is on. */
    public static RowKey keyOf(RawChange perRow, ReplicatedTable table) {
        return table.keyOf(perRow.after() != null ? perRow.after() : perRow.before());
    }

    /**
     * The net change of one row from its first and last operation ({@code first == last} when it was written once):
     * the rules need nothing in between, so a transaction too large for memory can be reduced to these two per row in
     * the database and evaluated here a page of rows at a time, with exactly the result {@link #of} would give.
     */
    public static Optional<Net> ofRow(ReplicatedTable table, RawChange first, RawChange last) {
        RowRef ref = new RowRef(table, keyOf(first, table));
        List<RawChange> ops = first == last ? List.of(first) : List.of(first, last);
        return collapse(ref, ops).map(a -> new Net(a.change(), a.anchor()));
    }
}
