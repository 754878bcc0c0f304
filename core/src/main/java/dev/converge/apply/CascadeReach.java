package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.Reference;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Stamp;
import dev.converge.model.ChangeSet;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * The rows that a ChangeSet's parent deletes would reach here through the target's {@code ON DELETE CASCADE} keys, at
 * any depth, and the rows one level further that a {@code SET NULL} or restricting key ties to a reached row: what the
 * database would act on, or refuse over, when the deletes are written (see {@link ForeignKeyConflicts#beforeDeletes}).
 *
 * <p>Read set-based, breadth first: for all the deletes together, one locking read per referring table and level,
 * matching the referring columns against the keys of the rows found one level up (in chunks of {@value #CHUNK} keys),
 * then one version look-up per table for the rows the ChangeSet does not write itself. A delete whose rows are all the
 * ChangeSet's own (a cascade captured at the origin) therefore costs one read per referring table and nothing else.
 * Rows the ChangeSet writes are not a delete's concern (their fate is their own conflict's), but the cascade of a row it
 * deletes is followed through it; a row inserted or updated by the ChangeSet stops the walk.
 *
 * <p>Single use, inside one apply transaction; not thread-safe.
 */
final class CascadeReach {
    /** How many parent keys one read matches at most. */
    static final int CHUNK = 500;

    /** A row of a replicated table, by its table's name (lower case) and its typed key. */
    private record RowRef(String table, List<Object> key) {
        static RowRef of(BoundTable t, RowKey key) {
            return new RowRef(t.name().toLowerCase(Locale.ROOT), t.typedKey(key));
        }
    }

    /** A row reached (or a deleted row the walk starts from), with the rows below it. */
    static final class Reached {
        final BoundTable table;
        final RowKey key;
        RowImage row;
        Optional<RowVersion> version = Optional.empty();
        final List<Edge> below = new ArrayList<>();
        /** Removed (or its reference set to NULL) by a delete judged earlier in this ChangeSet. */
        boolean removed;

        Reached(BoundTable table, RowKey key, RowImage row) {
            this.table = table;
            this.key = key;
            this.row = row;
        }

        String describe() {
            return table.name() + " " + key;
        }
    }

    /** {@code child} refers to the row above it through {@code reference}. */
    private record Edge(Reference reference, Reached child) {
    }

    /**
     * A row a delete's cascade reaches, {@code depth} levels below the deleted row ({@code above}: the row it refers
     * to), through {@code reference}.
     */
    record Subject(Reached node, Reference reference, int depth, String above) {
        BoundTable table() {
            return node.table;
        }

        RowKey key() {
            return node.key;
        }

        RowImage row() {
            return node.row;
        }

        Optional<RowVersion> version() {
            return node.version;
        }

        /** Whether the row holds a write the delete's origin had not seen when it deleted. */
        boolean concurrent(ChangeSet cs, Map<String, Long> deps) {
            return node.version.isPresent() && !node.version.get().seenBy(cs.origin().value(), deps);
        }

        Stamp stamp() {
            return node.version.map(ForeignKeyConflicts::stamp).orElse(new Stamp(HybridTimestamp.fromLong(0), Optional.empty(), 0));
        }

        String describe() {
            return node.describe();
        }
    }

    private final Map<RowRef, Integer> writtenAt;
    private final Map<Integer, Reached> roots = new LinkedHashMap<>();
    private final Map<RowRef, Reached> nodes = new HashMap<>();

    private CascadeReach(Map<RowRef, Integer> writtenAt) {
        this.writtenAt = writtenAt;
    }

    /** Reads what the delete plans {@code plans[roots]} reach; {@code plans} are the ChangeSet's plans as they stand. */
    static CascadeReach load(DSLContext ctx, Tables tables, LocalRows localRows, List<Plan> plans, List<Integer> roots, HybridTimestamp initial) {
        Map<RowRef, Integer> writtenAt = new HashMap<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            if (p.write().isPresent()) {
                BoundTable t = tables.get(p.change().table());
                writtenAt.put(RowRef.of(t, p.change().key()), i);
            }
        }
        CascadeReach reach = new CascadeReach(writtenAt);
        Map<BoundTable, List<Reached>> frontier = new LinkedHashMap<>();
        for (int i : roots) {
            BoundTable t = tables.get(plans.get(i).change().table());
            Reached root = new Reached(t, plans.get(i).change().key(), null);
            reach.roots.put(i, root);
            reach.nodes.put(RowRef.of(t, root.key), root);
            frontier.computeIfAbsent(t, k -> new ArrayList<>()).add(root);
        }
        while (!frontier.isEmpty()) {
            Map<BoundTable, List<Reached>> next = new LinkedHashMap<>();
            for (Map.Entry<BoundTable, List<Reached>> level : frontier.entrySet()) {
                reach.readBelow(ctx, tables, plans, level.getKey(), level.getValue(), next);
            }
            frontier = next;
        }
        reach.loadVersions(ctx, localRows, initial);
        return reach;
    }

    /** Reads the rows referring to {@code parents} (rows of {@code pt}); those a cascade goes on through join {@code next}. */
    private void readBelow(DSLContext ctx, Tables tables, List<Plan> plans, BoundTable pt, List<Reached> parents,
                           Map<BoundTable, List<Reached>> next) {
        Map<List<Object>, Reached> byKey = new LinkedHashMap<>();
        parents.forEach(n -> byKey.put(pt.typedKey(n.key), n));
        List<List<Object>> keys = new ArrayList<>(byKey.keySet());
        for (BoundTable t : tables.all()) {
            for (Reference r : t.references()) {
                if (!r.parentTable().equalsIgnoreCase(pt.name()) || !ForeignKeyConflicts.judged(r) || !ForeignKeyConflicts.toPrimaryKey(pt, r)) {
                    continue;
                }
                List<Field<Object>> referring = r.columns().stream().map(t::field).toList();
                for (int from = 0; from < keys.size(); from += CHUNK) {
                    List<List<Object>> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
                    for (RowImage row : RowReader.read(ctx, t, KeyConditions.in(referring, chunk), true, true)) {
                        Reached parent = ForeignKeyConflicts.keyOf(pt, r, row).map(byKey::get).orElse(null);
                        if (parent == null) {
                            continue;
                        }
                        RowKey key = t.keyOf(row);
                        RowRef ref = RowRef.of(t, key);
                        Reached child = nodes.get(ref);
                        boolean fresh = child == null;
                        if (fresh) {
                            child = new Reached(t, key, row);
                            nodes.put(ref, child);
                        } else if (child.row == null) {
                            child.row = row; // a row deleted by the ChangeSet, reached from above too
                        }
                        parent.below.add(new Edge(r, child));
                        Integer w = writtenAt.get(ref);
                        boolean goesOn = w == null || plans.get(w).write().orElseThrow() instanceof RowWriter.DeleteRow;
                        if (fresh && cascades(r) && goesOn) {
                            next.computeIfAbsent(t, k -> new ArrayList<>()).add(child);
                        }
                    }
                }
            }
        }
    }

    /** The versions of the rows reached that the ChangeSet does not write: one look-up per table. */
    private void loadVersions(DSLContext ctx, LocalRows localRows, HybridTimestamp initial) {
        Map<BoundTable, List<Reached>> byTable = new LinkedHashMap<>();
        nodes.forEach((ref, n) -> {
            if (!writtenAt.containsKey(ref)) {
                byTable.computeIfAbsent(n.table, k -> new ArrayList<>()).add(n);
            }
        });
        byTable.forEach((t, reached) -> {
            Map<RowKey, LocalRow> held = localRows.load(ctx, t, reached.stream().map(n -> n.key).toList(), initial);
            reached.forEach(n -> {
                LocalRow l = held.get(n.key);
                n.version = l == null ? Optional.empty() : l.version();
            });
        });
    }

    /** Whether a delete reaches a row the ChangeSet does not write itself: else the database's own action is the origin's. */
    boolean meetsUnwritten() {
        return nodes.keySet().stream().anyMatch(ref -> !writtenAt.containsKey(ref));
    }

    /**
     * The root deletes' indexes in the order to judge them: a delete after every delete its cascade reaches, so that a
     * row whose own delete lost (and stays) is judged as a row the upper delete would take.
     */
    List<Integer> order() {
        Map<Reached, Integer> indexOf = new IdentityHashMap<>();
        roots.forEach((i, n) -> indexOf.put(n, i));
        List<Integer> out = new ArrayList<>();
        Set<Reached> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Reached root : roots.values()) {
            visit(root, visited, indexOf, out);
        }
        return out;
    }

    private static void visit(Reached n, Set<Reached> visited, Map<Reached, Integer> indexOf, List<Integer> out) {
        if (!visited.add(n)) {
            return;
        }
        for (Edge e : n.below) {
            if (cascades(e.reference())) {
                visit(e.child(), visited, indexOf, out);
            }
        }
        Integer i = indexOf.get(n);
        if (i != null) {
            out.add(i);
        }
    }

    /**
     * The rows the delete {@code plans[root]} would take or act on if written now: every row its cascade reaches that
     * the ChangeSet does not write (a row it deletes is walked through) and no delete judged earlier removed.
     */
    List<Subject> subjects(int root, List<Plan> plans) {
        List<Subject> out = new ArrayList<>();
        Set<Reached> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Reached start = roots.get(root);
        seen.add(start);
        walk(start, 1, plans, seen, out);
        return out;
    }

    private void walk(Reached n, int depth, List<Plan> plans, Set<Reached> seen, List<Subject> out) {
        for (Edge e : n.below) {
            Reached ch = e.child();
            if (ch.removed || !seen.add(ch)) {
                continue;
            }
            Integer w = writtenAt.get(RowRef.of(ch.table, ch.key));
            Optional<RowWriter.Write> write = w == null ? Optional.empty() : plans.get(w).write();
            if (write.isPresent()) {
                if (write.get() instanceof RowWriter.DeleteRow && cascades(e.reference())) {
                    walk(ch, depth + 1, plans, seen, out);
                }
                continue;
            }
            out.add(new Subject(ch, e.reference(), depth, n.describe()));
            if (cascades(e.reference())) {
                walk(ch, depth + 1, plans, seen, out);
            }
        }
    }

    private static boolean cascades(Reference r) {
        return r.deleteRule().equals("CASCADE");
    }
}
