package dev.converge.specs.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every node must hold when the steps are done. {@code converged} is already resolved: given, or true when the
 * last step is {@code sync}. Table and node maps keep file order so that failures are reported in that order.
 */
public record Expectations(boolean converged, Map<String, List<Row>> tables, Map<String, Map<String, List<Row>>> nodes,
                           List<ConflictExpectation> conflicts, boolean noConflicts,
                           List<CompensationExpectation> compensations) {
    public Expectations {
        tables = orderedCopy(tables);
        LinkedHashMap<String, Map<String, List<Row>>> perNode = new LinkedHashMap<>();
        nodes.forEach((node, contents) -> perNode.put(node, orderedCopy(contents)));
        nodes = Collections.unmodifiableMap(perNode);
        conflicts = List.copyOf(conflicts);
        compensations = List.copyOf(compensations);
    }

    /** Whether anything at all is checked; a scenario that checks nothing would pass vacuously. */
    public boolean checksAnything() {
        return converged || !tables.isEmpty() || !nodes.isEmpty() || !conflicts.isEmpty() || noConflicts
            || !compensations.isEmpty();
    }

    private static Map<String, List<Row>> orderedCopy(Map<String, List<Row>> rows) {
        LinkedHashMap<String, List<Row>> copy = new LinkedHashMap<>();
        rows.forEach((table, list) -> copy.put(table, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }
}
