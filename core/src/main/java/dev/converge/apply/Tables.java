package dev.converge.apply;

import dev.converge.ConvergeException;
import dev.converge.catalog.BoundTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The node's replicated tables by name (exact, then case-insensitive). Immutable; thread-safe. */
final class Tables {
    private final Map<String, BoundTable> byName = new LinkedHashMap<>();

    Tables(List<BoundTable> tables) {
        tables.forEach(t -> byName.put(t.name(), t));
    }

    /** The replicated table of that name, if the node replicates it. */
    java.util.Optional<BoundTable> find(String name) {
        BoundTable t = byName.get(name);
        return t != null ? java.util.Optional.of(t)
            : byName.values().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    /** Every replicated table. */
    java.util.Collection<BoundTable> all() {
        return byName.values();
    }

    /** @throws ConvergeException if the node does not replicate {@code name} */
    BoundTable get(String name) {
        BoundTable t = byName.get(name);
        if (t != null) {
            return t;
        }
        for (BoundTable candidate : byName.values()) {
            if (candidate.name().equalsIgnoreCase(name)) {
                return candidate;
            }
        }
        throw new ConvergeException("ChangeSet touches table " + name + ", which this node does not replicate");
    }
}
