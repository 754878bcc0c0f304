package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.Reference;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.decision.DecisionRule;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * Plans a run of one origin's ready ChangeSets as one set-based unit: the rows and versions of every key the run
 * touches are loaded once (one query per table, one sequencing pass), each ChangeSet is judged in order against what
 * the run's earlier ChangeSets leave at its keys (held in memory, not read back), and the run's writes collapse to one
 * write per key, so that rows, versions and conflict records go in one statement per table and kind.
 *
 * <p><b>Exactness.</b> Every change is judged by the same {@link Planner} as alone, against the same row and version
 * the one-by-one apply would read, with one difference: for a key an earlier ChangeSet of the run wrote, the row is
 * what that write set, not what the database made of it. The run therefore stops before a ChangeSet that would be
 * judged against a row the run cannot know in memory (one a resolver merged, an insert that leaves columns to their
 * defaults), never deletes a row of a table that a foreign key between replicated tables refers to (the database would
 * change other rows on its own, or a parent's delete and a child's write would meet: judged one ChangeSet at a time,
 * see {@link ForeignKeyConflicts#beforeDeletes}), stops before a ChangeSet that brings such a row back over its
 * tombstone (what lost to the delete comes back with it: {@link ForeignKeyConflicts#restoreRevived}), writes parents'
 * rows before their children's, and {@link #verify} reads every row judged twice back after the writes. A row the
 * target refuses (a child whose parent is gone here, a unique value taken) fails the run: the one-by-one apply judges
 * it as a conflict. After the writes: a row the database wrote otherwise (a user trigger, a value that does not round-trip) makes the caller
 * apply the run one by one instead. ChangeSets that travel in parts, decisions, and a loss at transaction scope are
 * left to the one-by-one apply too.
 *
 * <p>Stateless apart from its collaborators; confined to the apply transaction's thread while it runs.
 */
final class RunApply {
    private final NodeConfig config;
    private final Tables tables;
    private final LocalRows localRows;
    private final Planner planner;
    /** The tables a foreign key of a replicated table refers to: a run deletes none of their rows nor brings one back. */
    private final Set<BoundTable> referred = new HashSet<>();
    /** Of the referred tables, the columns the foreign keys refer to: a run changes none of them. */
    private final Map<BoundTable, Set<String>> referredColumns = new HashMap<>();
    /**
     * Tables a run never takes: a key of theirs that cascades or sets on delete refers to a table Converge does not
     * replicate, so the database may change their rows on its own when a run's delete reaches that table.
     */
    private final Set<BoundTable> excluded = new HashSet<>();
    /** Per table, the columns its constraints check against other rows (see {@link #checkedColumns(BoundTable)}), computed once. */
    private final Map<BoundTable, Set<String>> checkedColumns = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<BoundTable, Integer> depths = new java.util.concurrent.ConcurrentHashMap<>();

    RunApply(NodeConfig config, Tables tables, LocalRows localRows, Planner planner) {
        this.config = config;
        this.tables = tables;
        this.localRows = localRows;
        this.planner = planner;
        for (BoundTable child : tables.all()) {
            for (Reference r : child.references()) {
                java.util.Optional<BoundTable> parent = tables.find(r.parentTable());
                parent.ifPresent(referred::add);
                parent.ifPresent(pt -> referredColumns.computeIfAbsent(pt, x -> new HashSet<>()).addAll(lower(r.parentColumns())));
                if (parent.isEmpty() && !r.restricts()) {
                    excluded.add(child);
                }
            }
        }
    }

    /** What planning a run gave: how many of its first ChangeSets it took, and what applying them writes. */
    record Planned(int count, List<RowWriter.Write> writes, Map<BoundTable, Map<RowKey, RowVersion>> versions, List<ConflictRecord> records,
                   List<Key> judgedTwice) {
        static final Planned NONE = new Planned(0, List.of(), Map.of(), List.of(), List.of());
    }

    /** Whether {@code cs} can be part of a run at all (before anything is read). */
    boolean suitable(ChangeSet cs) {
        if (cs.part().isPresent() || DecisionRule.isDecision(cs)) {
            return false;
        }
        for (Change c : cs.changes()) {
            BoundTable t = tables.get(c.table());
            if (excluded.contains(t) || c instanceof Change.Delete && referred.contains(t)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code cs} can be applied ahead of the run before it, on a connection of its own ({@link
     * ApplyEngine#applyRunAhead}): it can go in a run, and every table it touches is apart from every other row: no foreign
     * key from or to it among the replicated tables or out of them, and no unique index besides its key. Rows of such a
     * table meet no other row in the database's checks, so two transactions writing different keys of them cannot tell
     * which commits first.
     */
    boolean apart(ChangeSet cs) {
        if (!suitable(cs)) {
            return false;
        }
        for (Change c : cs.changes()) {
            BoundTable t = tables.get(c.table());
            if (referred.contains(t) || !t.references().isEmpty() || !t.uniques().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads the keys of {@code run}'s leading suitable ChangeSets and plans them in order, up to the first that cannot
     * be judged in memory. Reads and locks rows (and sequences local transactions) but writes no row.
     */
    Planned plan(DSLContext ctx, List<ChangeSet> run, HybridTimestamp initial, ApplyEngine.Sequencing pass) {
        int suitable = 0;
        while (suitable < run.size() && suitable(run.get(suitable))) {
            suitable++;
        }
        if (suitable == 0) {
            return Planned.NONE;
        }
        List<Change> changes = new ArrayList<>();
        run.subList(0, suitable).forEach(cs -> changes.addAll(cs.changes()));
        Map<LocalRows.TableKey, LocalRows.Held> held = localRows.loadHeld(ctx, changes, pass);
        Map<LocalRows.TableKey, Key> keys = new LinkedHashMap<>();
        List<ConflictRecord> records = new ArrayList<>();
        int count = 0;
        int order = 0;
        for (ChangeSet cs : run.subList(0, suitable)) {
            List<Plan> plans = new ArrayList<>();
            List<Key> touched = new ArrayList<>();
            if (!judge(ctx, cs, held, keys, initial, plans, touched)) {
                break;
            }
            for (int i = 0; i < plans.size(); i++) {
                Plan p = plans.get(i);
                touched.get(i).accept(p, order++, p.write().isPresent() && checked(p.write().get(), touched.get(i).row));
            }
            plans.forEach(p -> p.record().ifPresent(records::add));
            count++;
        }
        return count == 0 ? Planned.NONE : planned(count, keys.values(), records);
    }

    /** Plans every change of {@code cs} into {@code plans}; false (and nothing planned counts) if it cannot go in the run. */
    private boolean judge(DSLContext ctx, ChangeSet cs, Map<LocalRows.TableKey, LocalRows.Held> held, Map<LocalRows.TableKey, Key> keys,
                          HybridTimestamp initial, List<Plan> plans, List<Key> touched) {
        // the keys this ChangeSet touched so far (Key is equal only to itself): a lookup, not a scan of touched
        Set<Key> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Change c : cs.changes()) {
            LocalRows.TableKey tk = localRows.heldKey(c);
            Key k = keys.computeIfAbsent(tk, x -> new Key(x, held.get(x)));
            if (k.opaque || !seen.add(k)) {
                return false; // judged alone: a row the run cannot know, or a key twice in one ChangeSet
            }
            Plan p = planner.plan(cs, c, localRows.judge(k.table, cs, k.row, k.version, initial), ctx);
            RowWriter.Write w = p.write().orElse(null);
            if (referred.contains(k.table) && (w instanceof RowWriter.DeleteRow
                || w instanceof RowWriter.InsertRow && k.version != null && k.version.deleted()
                || w instanceof RowWriter.UpdateRow u && sets(u, k.row, referredColumns.get(k.table)))) {
                return false; // a parent's row deleted, brought back over its tombstone, or its referred columns changed: alone
            }
            if (w != null && k.checked) {
                // the run would fold this write into the key's earlier one, which the target's constraints must see as
                // it was: a child inserted under a parent deleted here, a unique value taken here meanwhile
                return false;
            }
            plans.add(p);
            touched.add(k);
        }
        boolean transactionLoss = plans.stream().anyMatch(p -> p.lost() && config.scopeOf(p.change().table()) == ConflictScope.TRANSACTION);
        return !transactionLoss;
    }

    /** Whether {@code u} sets one of {@code columns} (lower case; null for none) to another value than {@code row} holds. */
    private static boolean sets(RowWriter.UpdateRow u, RowImage row, Set<String> columns) {
        if (columns == null || columns.isEmpty()) {
            return false;
        }
        for (String col : u.row().values().keySet()) {
            if (columns.contains(col.toLowerCase(java.util.Locale.ROOT))
                && (row == null || !java.util.Objects.equals(u.row().get(col), row.get(col)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the target's constraints check {@code w} against other rows, at a key that held {@code row}: an insert
     * or an update of a foreign-key or unique column, of a table that has such constraints.
     */
    private boolean checked(RowWriter.Write w, RowImage row) {
        Set<String> columns = checkedColumns.computeIfAbsent(w.table(), RunApply::checkedColumns);
        return !columns.isEmpty() && (w instanceof RowWriter.InsertRow || w instanceof RowWriter.UpdateRow u && sets(u, row, columns));
    }

    /** The columns of {@code t} a constraint checks against other rows: its foreign keys' and its unique indexes' (lower case). */
    private static Set<String> checkedColumns(BoundTable t) {
        Set<String> out = new HashSet<>();
        t.references().forEach(r -> out.addAll(lower(r.columns())));
        t.uniques().forEach(u -> out.addAll(lower(u)));
        return out;
    }

    private static List<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    private Planned planned(int count, java.util.Collection<Key> keys, List<ConflictRecord> records) {
        List<Key> written = keys.stream().filter(k -> k.writes > 0).sorted(Comparator.comparingInt(k -> k.firstWrite)).toList();
        Map<BoundTable, Integer> firstSeen = new HashMap<>();
        keys.forEach(k -> firstSeen.putIfAbsent(k.table, firstSeen.size()));
        List<RowWriter.Write> writes = new ArrayList<>();
        for (Key k : written) {
            k.write().ifPresent(writes::add);
        }
        // one statement per table and kind: parents' rows before their children's, children's deletes before parents'
        writes.sort(Comparator.comparingInt((RowWriter.Write w) -> w instanceof RowWriter.DeleteRow ? -depth(w.table()) : depth(w.table()))
            .thenComparingInt(w -> firstSeen.get(w.table())).thenComparingInt(RunApply::kind));
        Map<BoundTable, Map<RowKey, RowVersion>> versions = new LinkedHashMap<>();
        for (Key k : keys) {
            if (k.versioned) {
                versions.computeIfAbsent(k.table, t -> new LinkedHashMap<>()).put(k.key, k.version);
            }
        }
        List<Key> twice = keys.stream().filter(k -> k.judged > 1 && k.writes > 0).toList();
        return new Planned(count, writes, versions, records, twice);
    }

    /** Inserts, then updates, then deletes (the row writer writes deletes last in any case). */
    private static int kind(RowWriter.Write w) {
        return w instanceof RowWriter.InsertRow ? 0 : w instanceof RowWriter.UpdateRow ? 1 : 2;
    }

    /**
     * How far down the foreign keys among the replicated tables a table is: 0 if it refers to none, else one more than
     * the deepest it refers to (a cycle is cut where it closes).
     */
    private int depth(BoundTable t) {
        return depths.computeIfAbsent(t, x -> depth(x, new HashSet<>()));
    }

    private int depth(BoundTable t, Set<BoundTable> path) {
        if (!path.add(t)) {
            return 0;
        }
        int d = 0;
        for (Reference r : t.references()) {
            java.util.Optional<BoundTable> parent = tables.find(r.parentTable());
            if (parent.isPresent() && parent.get() != t) {
                d = Math.max(d, 1 + depth(parent.get(), path));
            }
        }
        path.remove(t);
        return d;
    }

    /**
     * After the run's rows are written: reads back every row that was judged more than once and was written, and
     * throws {@link Diverged} if one is not what the run held in memory when it judged the later change.
     */
    void verify(DSLContext ctx, Planned planned) {
        Map<BoundTable, List<Key>> byTable = new LinkedHashMap<>();
        planned.judgedTwice().forEach(k -> byTable.computeIfAbsent(k.table, t -> new ArrayList<>()).add(k));
        for (Map.Entry<BoundTable, List<Key>> e : byTable.entrySet()) {
            BoundTable t = e.getKey();
            Map<RowKey, RowImage> now = new HashMap<>();
            List<List<Object>> typed = e.getValue().stream().map(k -> t.typedKey(k.key)).toList();
            for (int from = 0; from < typed.size(); from += 500) {
                List<List<Object>> chunk = typed.subList(from, Math.min(typed.size(), from + 500));
                RowReader.read(ctx, t, KeyConditions.in(t.keyFields(), chunk), false, false).forEach(r -> now.put(t.keyOf(r), r));
            }
            for (Key k : e.getValue()) {
                RowImage actual = now.get(k.key);
                boolean same = k.row == null ? actual == null : k.row.sameAs(actual);
                if (!same) {
                    throw new Diverged("row " + k.key + " of " + t.name() + " reads back as " + actual + ", not as the run wrote it (" + k.row + ")");
                }
            }
        }
    }

    /** The database wrote a row of the run otherwise than the run judged it: the caller rolls back and applies one by one. */
    static final class Diverged extends RuntimeException {
        Diverged(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One key while a run is planned: what the run's accepted ChangeSets leave there so far (the row, null if missing;
     * the version), what the run writes for it, and whether a later change can still be judged against it in memory.
     */
    static final class Key {
        private final BoundTable table;
        private final RowKey key;
        /** The row was there when loaded. */
        private final boolean present;
        private RowImage row;
        private RowVersion version;
        private boolean versioned;
        /** The columns the run writes, accumulated over its writes (null when its last write deleted the row). */
        private RowImage written;
        private RowWriter.Write onlyWrite;
        private int writes;
        private int judged;
        private int firstWrite;
        /** Written with something other than an incoming image (a merge, an insert that leaves columns to defaults). */
        private boolean opaque;
        /**
         * Written in the run in a way the target's constraints check against other rows (inserted, or a foreign-key or
         * unique column set): a later write must not be folded into it (see {@link RunApply#judge}).
         */
        private boolean checked;

        Key(LocalRows.TableKey tk, LocalRows.Held held) {
            this.table = held.table();
            this.key = tk.key();
            this.present = held.row() != null;
            this.row = held.row();
            this.version = held.version();
        }

        /**
         * Takes what {@code p}, judged at this key, does to it (the ChangeSet went into the run); {@code checks}: whether
         * the target's constraints check {@code p}'s write against other rows ({@link RunApply#checked}).
         */
        void accept(Plan p, int order, boolean checks) {
            judged++;
            p.version().ifPresent(v -> {
                version = v;
                versioned = true;
            });
            if (p.write().isEmpty()) {
                return;
            }
            RowWriter.Write w = p.write().get();
            checked |= checks;
            RowImage incoming = p.change().after().orElse(null);
            if (writes++ == 0) {
                firstWrite = order;
                onlyWrite = w;
            }
            if (w instanceof RowWriter.InsertRow i) {
                opaque |= !i.row().equals(incoming) || !table.spec().columns().stream().allMatch(i.row()::has);
                row = i.row();
                written = i.row();
            } else if (w instanceof RowWriter.UpdateRow u) {
                opaque |= !u.row().equals(incoming) || row == null;
                row = row == null ? u.row() : row.with(u.row().values());
                written = written == null ? u.row() : written.with(u.row().values());
            } else {
                row = null;
                written = null;
            }
        }

        /**
         * The one write that takes the row from what was loaded to what the run leaves: a row written once is written as
         * planned; one written several times is inserted, updated with every column the run set, or deleted.
         */
        java.util.Optional<RowWriter.Write> write() {
            if (writes == 1) {
                return java.util.Optional.of(onlyWrite);
            }
            if (row == null) {
                return present ? java.util.Optional.of(new RowWriter.DeleteRow(table, key)) : java.util.Optional.empty();
            }
            return java.util.Optional.of(present ? new RowWriter.UpdateRow(table, key, written) : new RowWriter.InsertRow(table, written));
        }
    }
}
