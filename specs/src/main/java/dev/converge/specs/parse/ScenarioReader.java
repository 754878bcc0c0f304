package dev.converge.specs.parse;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.specs.model.Defaults;
import dev.converge.specs.model.Expectations;
import dev.converge.specs.model.NodeSpec;
import dev.converge.specs.model.Row;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.Step;
import dev.converge.specs.model.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Maps the top level of a scenario file to a {@link Scenario}; steps and expectations have their own readers. */
final class ScenarioReader {
    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Path file;

    ScenarioReader(Path file) {
        this.file = file;
    }

    Scenario read(YamlNode root) {
        Fields top = Fields.of(root, "", Keys.SCENARIO);
        String name = name(top);
        Optional<String> about = top.optional("about", Read::text);
        Set<Dialect> dialects = dialects(top);
        List<NodeSpec> nodes = nodes(top);
        NodeRefs refs = new NodeRefs(nodes.stream().map(NodeSpec::id).toList());
        Topology topology = top.get("topology").map(t -> topology(t, refs)).orElse(new Topology.Mesh());
        Defaults defaults = top.get("defaults").map(ScenarioReader::defaults).orElse(Defaults.STANDARD);
        String schema = top.required("schema", Read::nonBlankText);
        Optional<List<TableConfig>> tables = top.get("tables").map(ScenarioReader::tables);
        Map<String, List<Row>> initial = top.optional("initial", Rows::byTable).orElse(Map.of());
        List<Step> steps = new StepReader(refs).steps(top.require("steps"));
        Expectations expect = new ExpectationReader(refs).read(top, steps);
        return new Scenario(file, name, about, dialects, nodes, topology, defaults, schema, tables, initial, steps,
            expect);
    }

    private static String name(Fields top) {
        YamlNode node = top.require("name");
        String name = Read.text(node, "name");
        if (!KEBAB.matcher(name).matches()) {
            throw new Malformed(node.line(), "name: '" + name
                + "' is not kebab-case (lower-case letters and digits, words joined by '-')");
        }
        return name;
    }

    private static Set<Dialect> dialects(Fields top) {
        Optional<YamlNode> node = top.get("dialects");
        if (node.isEmpty()) {
            return EnumSet.allOf(Dialect.class);
        }
        List<YamlNode> items = Read.list(node.get(), "dialects");
        if (items.isEmpty()) {
            throw new Malformed(node.get().line(), "dialects: may not be empty (leave the key out to run on every dialect)");
        }
        EnumSet<Dialect> dialects = EnumSet.noneOf(Dialect.class);
        for (int i = 0; i < items.size(); i++) {
            dialects.add(Read.oneOf(items.get(i), "dialects[" + i + "]", "dialect", Dialect.values(), Dialect::word));
        }
        return dialects;
    }

    private static List<NodeSpec> nodes(Fields top) {
        YamlNode node = top.require("nodes");
        List<YamlNode> items = Read.list(node, "nodes");
        if (items.isEmpty()) {
            throw new Malformed(node.line(), "nodes: a scenario needs at least one node");
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            NodeSpec spec = nodeSpec(items.get(i), "nodes[" + i + "]");
            if (nodes.stream().anyMatch(n -> n.id().equals(spec.id()))) {
                throw new Malformed(items.get(i).line(), "nodes[" + i + "]: node id '" + spec.id() + "' is declared twice");
            }
            nodes.add(spec);
        }
        return nodes;
    }

    private static NodeSpec nodeSpec(YamlNode node, String path) {
        Fields fields = Fields.of(node, path, Keys.NODE);
        YamlNode idNode = fields.require("id");
        String id = Read.text(idNode, fields.path("id"));
        if (!NodeId.isValid(id)) {
            throw new Malformed(idNode.line(), fields.path("id") + ": bad node id '" + id
                + "' (1-16 characters of A-Z, a-z, 0-9, '_' and '-')");
        }
        int priority = fields.optional("priority", Read::integer).orElse(0);
        Duration skew = fields.optional("clock_skew", Times::skew).orElse(Duration.ZERO);
        return new NodeSpec(id, priority, skew);
    }

    private static Topology topology(YamlNode node, NodeRefs refs) {
        if (node instanceof YamlNode.Scalar s && "mesh".equals(s.text())) {
            return new Topology.Mesh();
        }
        if (!(node instanceof YamlNode.Mapping)) {
            throw new Malformed(node.line(), "topology: expected mesh or {reference: NODE}, found " + node.describe());
        }
        Fields fields = Fields.of(node, "topology", Keys.TOPOLOGY);
        return new Topology.Reference(refs.node(fields.require("reference"), "topology.reference"));
    }

    private static Defaults defaults(YamlNode node) {
        Fields fields = Fields.of(node, "defaults", Keys.DEFAULTS);
        ConflictScope scope = fields.optional("scope", ScenarioReader::scope).orElse(ConflictScope.ROW);
        ResolverSpec resolver = fields.optional("resolver", ScenarioReader::resolver).orElse(ResolverSpec.TIMESTAMP);
        return new Defaults(scope, resolver);
    }

    private static List<TableConfig> tables(YamlNode node) {
        YamlNode.Mapping map = Read.mapping(node, "tables");
        List<TableConfig> tables = new ArrayList<>();
        for (YamlNode.Entry e : map.entries().values()) {
            tables.add(table(e.key(), e.value(), "tables." + e.key()));
        }
        return tables;
    }

    /** One table; {@code pers:} with nothing after it means the table with the defaults. */
    private static TableConfig table(String name, YamlNode node, String path) {
        TableConfig table = TableConfig.of(name);
        if (node instanceof YamlNode.Scalar s && s.value() == null) {
            return table;
        }
        Fields fields = Fields.of(node, path, Keys.TABLE);
        table = table.withFilter(fields.optional("filter", Read::nonBlankText).orElse(null));
        table = table.withColumns(fields.optional("columns", ScenarioReader::columns).orElse(null));
        table = table.withScope(fields.optional("scope", ScenarioReader::scope).orElse(null));
        return table.withResolver(fields.optional("resolver", ScenarioReader::resolver).orElse(null));
    }

    private static List<String> columns(YamlNode node, String path) {
        List<YamlNode> items = Read.list(node, path);
        if (items.isEmpty()) {
            throw new Malformed(node.line(), path + ": a column subset needs at least the key columns");
        }
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            columns.add(Read.nonBlankText(items.get(i), path + "[" + i + "]"));
        }
        return columns;
    }

    static ConflictScope scope(YamlNode node, String path) {
        return Read.oneOf(node, path, "scope", ConflictScope.values(), ConflictScope::word);
    }

    /** {@code timestamp}, or {@code {name: timestamp, then: site-priority}} where {@code then} may nest again. */
    static ResolverSpec resolver(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar) {
            return ResolverSpec.of(Read.nonBlankText(node, path));
        }
        Fields fields = Fields.of(node, path, Keys.RESOLVER);
        String name = fields.required("name", Read::nonBlankText);
        return new ResolverSpec(name, fields.optional("then", ScenarioReader::resolver));
    }
}
