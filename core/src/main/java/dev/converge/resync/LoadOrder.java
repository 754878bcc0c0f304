package dev.converge.resync;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The order a snapshot's tables are loaded in: a table after the replicated tables its foreign keys refer to, so a
 * child row finds its parent; tombstones go the other way round. Cycles (and self-references) keep configuration
 * order among their tables. Pure.
 */
final class LoadOrder {
    private LoadOrder() {
    }

    static List<BoundTable> parentsFirst(List<BoundTable> tables) {
        Map<String, BoundTable> byName = new LinkedHashMap<>();
        tables.forEach(t -> byName.put(t.name().toLowerCase(Locale.ROOT), t));
        Set<BoundTable> done = new LinkedHashSet<>();
        for (BoundTable t : tables) {
            visit(t, byName, done, new LinkedHashSet<>());
        }
        return new ArrayList<>(done);
    }

    private static void visit(BoundTable t, Map<String, BoundTable> byName, Set<BoundTable> done, Set<BoundTable> path) {
        if (done.contains(t) || !path.add(t)) {
            return;
        }
        for (Reference r : t.references()) {
            BoundTable parent = byName.get(r.parentTable().toLowerCase(Locale.ROOT));
            if (parent != null && parent != t) {
                visit(parent, byName, done, path);
            }
        }
        done.add(t);
    }
}
