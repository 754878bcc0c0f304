package dev.converge.specs.run;

import dev.converge.conflict.ConflictRecord;
import dev.converge.model.RowImage;
import dev.converge.specs.model.ConflictExpectation;
import dev.converge.specs.model.Expectations;
import dev.converge.specs.model.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks {@link Expectations} against the observed {@link NodeState}s of every node (in scenario order) and returns
 * every problem found, each a sentence that says what was expected and what was there. No problems: the scenario
 * passes.
 */
final class ExpectationCheck {
    private final Expectations expect;
    private final List<NodeState> states;

    private ExpectationCheck(Expectations expect, List<NodeState> states) {
        this.expect = expect;
        this.states = List.copyOf(states);
    }

    static List<String> problems(Expectations expect, List<NodeState> states) {
        return new ExpectationCheck(expect, states).problems();
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (expect.converged()) {
            problems.addAll(convergence());
        }
        expect.tables().forEach((table, rows) -> states.forEach(s -> table(s, table, rows).ifPresent(problems::add)));
        expect.nodes().forEach((node, tables) ->
            tables.forEach((table, rows) -> table(state(node), table, rows).ifPresent(problems::add)));
        expect.conflicts().forEach(c -> conflict(c).ifPresent(problems::add));
        if (expect.noConflicts()) {
            states.stream().filter(s -> !s.conflicts().isEmpty()).forEach(s -> problems.add("expected no conflicts, but "
                + s.node() + " recorded " + describe(s.conflicts())));
        }
        return problems;
    }

    private NodeState state(String node) {
        return states.stream().filter(s -> s.node().equals(node)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no state for node " + node));
    }

    private static Optional<String> table(NodeState state, String table, List<Row> rows) {
        List<Map<String, Object>> actual = state.tables().get(table);
        if (actual == null) {
            return Optional.of("table " + table + " on " + state.node() + ": there is no such table");
        }
        RowSets.Diff diff = RowSets.diff(RowSets.expectedRows(rows), actual);
        if (diff.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("table " + table + " on " + state.node() + ": " + diff.describe() + " (expected "
            + count(rows.size()) + ", found " + count(actual.size()) + ")");
    }

    /** Every node's replicated data against the first node's, table by table. */
    private List<String> convergence() {
        List<String> problems = new ArrayList<>();
        NodeState first = states.get(0);
        for (NodeState other : states.subList(1, states.size())) {
            for (String table : tableNames(first, other)) {
                List<Map<String, Object>> mine = replicated(first, table);
                List<Map<String, Object>> theirs = replicated(other, table);
                // the databases' own values, exactly: 1.50 is not 1.5 here, a date is its exact day (no format rules apply)
                RowSets.Diff diff = RowSets.diff(mine, theirs, Object::equals);
                if (!diff.isEmpty()) {
                    problems.add("not converged: table " + table + ": " + divergence(first.node(), other.node(), diff));
                }
            }
        }
        return problems;
    }

    private static String divergence(String a, String b, RowSets.Diff diff) {
        List<String> parts = new ArrayList<>();
        if (!diff.missing().isEmpty()) {
            parts.add(a + " has " + RowSets.format(diff.missing()) + " that " + b + " lacks");
        }
        if (!diff.unexpected().isEmpty()) {
            parts.add(b + " has " + RowSets.format(diff.unexpected()) + " that " + a + " lacks");
        }
        return String.join("; ", parts);
    }

    private static TreeSet<String> tableNames(NodeState a, NodeState b) {
        TreeSet<String> names = new TreeSet<>();
        a.replicated().keySet().forEach(t -> names.add(t.toLowerCase(Locale.ROOT)));
        b.replicated().keySet().forEach(t -> names.add(t.toLowerCase(Locale.ROOT)));
        return names;
    }

    private static List<Map<String, Object>> replicated(NodeState state, String table) {
        return state.replicated().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(table))
            .flatMap(e -> e.getValue().stream()).map(RowImage::values).toList();
    }

    private Optional<String> conflict(ConflictExpectation wanted) {
        List<NodeState> where = wanted.node().map(n -> List.of(state(n))).orElse(states);
        boolean found = where.stream().flatMap(s -> s.conflicts().stream()).anyMatch(r -> ConflictMatch.matches(wanted, r));
        if (found) {
            return Optional.empty();
        }
        String recorded = where.stream()
            .map(s -> s.node() + (s.conflicts().isEmpty() ? " recorded none" : " recorded " + describe(s.conflicts())))
            .collect(Collectors.joining("; "));
        return Optional.of("no conflict matches " + wanted + " (line " + wanted.line() + "): " + recorded);
    }

    private static String describe(List<ConflictRecord> records) {
        return records.stream().map(ConflictMatch::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String count(int rows) {
        return rows == 1 ? "1 row" : rows + " rows";
    }
}
