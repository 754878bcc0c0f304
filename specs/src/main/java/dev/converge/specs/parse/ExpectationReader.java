package dev.converge.specs.parse;

import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.specs.model.CompensationExpectation;
import dev.converge.specs.model.ConflictExpectation;
import dev.converge.specs.model.Expectations;
import dev.converge.specs.model.Row;
import dev.converge.specs.model.Step;
import dev.converge.specs.model.SyncStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code expect}, resolving the one default that depends on the steps ({@code converged} is checked when the
 * last step is {@code sync}), and refuses a scenario that would check nothing: it could never fail.
 */
final class ExpectationReader {
    private final NodeRefs refs;

    ExpectationReader(NodeRefs refs) {
        this.refs = refs;
    }

    Expectations read(Fields top, List<Step> steps) {
        boolean endsWithSync = !steps.isEmpty() && steps.get(steps.size() - 1) instanceof SyncStep;
        Optional<YamlNode> node = top.get("expect");
        Expectations expect = node.map(n -> expect(n, endsWithSync))
            .orElse(new Expectations(endsWithSync, Map.of(), Map.of(), List.of(), false, List.of()));
        if (!expect.checksAnything()) {
            throw new Malformed(node.map(YamlNode::line).orElse(top.line()), "the scenario checks nothing: give expect "
                + "tables, nodes, conflicts, no_conflicts, compensations or converged: true (or end the steps with sync)");
        }
        return expect;
    }

    private Expectations expect(YamlNode node, boolean endsWithSync) {
        Fields f = Fields.of(node, "expect", Keys.EXPECT);
        boolean converged = f.optional("converged", Read::bool).orElse(endsWithSync);
        Map<String, List<Row>> tables = f.optional("tables", Rows::byTable).orElse(Map.of());
        Map<String, Map<String, List<Row>>> nodes = f.optional("nodes", this::nodes).orElse(Map.of());
        List<ConflictExpectation> conflicts = f.optional("conflicts", this::conflicts).orElse(List.of());
        boolean noConflicts = f.optional("no_conflicts", Read::bool).orElse(false);
        if (noConflicts && !conflicts.isEmpty()) {
            throw new Malformed(f.require("no_conflicts").line(),
                "expect.no_conflicts: true contradicts the conflicts listed in expect.conflicts");
        }
        List<CompensationExpectation> compensations = f.optional("compensations", this::compensations).orElse(List.of());
        return new Expectations(converged, tables, nodes, conflicts, noConflicts, compensations);
    }

    private Map<String, Map<String, List<Row>>> nodes(YamlNode node, String path) {
        YamlNode.Mapping map = Read.mapping(node, path);
        LinkedHashMap<String, Map<String, List<Row>>> nodes = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries().values()) {
            refs.node(new YamlNode.Scalar(e.line(), e.column(), e.key(), e.key()), path);
            nodes.put(e.key(), Rows.byTable(e.value(), path + "." + e.key()));
        }
        return nodes;
    }

    private List<ConflictExpectation> conflicts(YamlNode node, String path) {
        List<YamlNode> items = Read.list(node, path);
        List<ConflictExpectation> conflicts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            conflicts.add(conflict(Fields.of(items.get(i), path + "[" + i + "]", Keys.CONFLICT)));
        }
        return conflicts;
    }

    private ConflictExpectation conflict(Fields f) {
        return new ConflictExpectation(f.line(),
            f.optional("node", refs::node),
            f.optional("table", Read::nonBlankText),
            f.optional("key", Rows::row),
            f.optional("type", (n, p) -> Read.oneOf(n, p, "conflict type", ConflictType.values(), ConflictType::word)),
            f.optional("outcome", (n, p) -> Read.oneOf(n, p, "outcome", Outcome.values(), Outcome::word)),
            f.optional("status", (n, p) -> Read.oneOf(n, p, "status", ConflictStatus.values(), ConflictStatus::word)),
            f.optional("scope", ScenarioReader::scope),
            f.optional("resolver", (n, p) -> ScenarioReader.resolver(n, p).toString()));
    }

    private List<CompensationExpectation> compensations(YamlNode node, String path) {
        List<YamlNode> items = Read.list(node, path);
        List<CompensationExpectation> compensations = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Fields f = Fields.of(items.get(i), path + "[" + i + "]", Keys.COMPENSATION);
            compensations.add(new CompensationExpectation(f.line(), f.required("from", refs::node),
                f.required("to", refs::node)));
        }
        return compensations;
    }
}
