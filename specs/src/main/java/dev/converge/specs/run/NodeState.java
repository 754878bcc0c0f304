package dev.converge.specs.run;

import dev.converge.conflict.ConflictRecord;
import dev.converge.dialect.Dialect;
import dev.converge.model.RowImage;
import dev.converge.specs.model.Expectations;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one node holds after the steps, as far as the expectations look at it: the contents of the tables they name
 * (keyed by the name as the scenario writes it; a table that does not exist is absent), the node's replicated data
 * and its conflict records. A plain value, so that the checks can be tested without running anything.
 */
record NodeState(String node, Map<String, List<Map<String, Object>>> tables, Map<String, List<RowImage>> replicated,
                 List<ConflictRecord> conflicts) {
    NodeState {
        tables = Map.copyOf(tables);
        replicated = Map.copyOf(replicated);
        conflicts = List.copyOf(conflicts);
    }

    /** Reads what {@code expect} needs from one member: nothing more, so an unused engine call cannot fail a scenario. */
    static NodeState observe(Cluster.Member member, Expectations expect, Dialect dialect) {
        Set<String> names = new LinkedHashSet<>(expect.tables().keySet());
        names.addAll(expect.nodes().getOrDefault(member.spec().id(), Map.of()).keySet());
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        try (Connection c = member.db().getConnection()) {
            for (String name : names) {
                Optional<List<Map<String, Object>>> rows = Database.contents(c, dialect, name);
                rows.ifPresent(r -> tables.put(name, r));
            }
        } catch (SQLException e) {
            throw new ScenarioFailure("reading the tables of node " + member.spec().id() + ": " + e.getMessage(), e);
        }
        boolean needsConflicts = expect.noConflicts() || !expect.conflicts().isEmpty();
        try {
            return new NodeState(member.spec().id(), tables,
                expect.converged() ? member.node().replicatedRows() : Map.of(),
                needsConflicts ? member.node().conflicts() : List.of());
        } catch (RuntimeException e) {
            throw new ScenarioFailure("reading node " + member.spec().id() + ": " + ScenarioFailure.describe(e), e);
        }
    }
}
