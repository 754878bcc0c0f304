package dev.converge.specs.parse;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.specs.model.Defaults;
import dev.converge.specs.model.Expectations;
import dev.converge.specs.model.NodeSpec;
import dev.converge.specs.model.Row;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.SourceLines;
import dev.converge.specs.model.Step;
import dev.converge.specs.model.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Maps the top level of a scenario file to a {@link Scenario}; steps and expectations have their own readers. */
final class ScenarioReader {
    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Path file;
    /** Where the parts the database checks are written (see {@link SourceLines}); filled while reading. */
    private final Map<String, Integer> lines = new LinkedHashMap<>();

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
        Defaults defaults = top.get("defaults").map(this::defaults).orElse(Defaults.STANDARD);
        String schema = schema(top.require("schema"));
        Optional<List<TableConfig>> tables = top.get("tables").map(this::tables);
        Map<String, List<Row>> initial = top.optional("initial", this::initial).orElse(Map.of());
        List<Step> steps = new StepReader(refs).steps(top.require("steps"));
        Expectations expect = new ExpectationReader(refs).read(top, steps);
        return new Scenario(file, name, about, dialects, nodes, topology, defaults, schema, tables, initial, steps,
            expect, new SourceLines(lines));
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

    private Defaults defaults(YamlNode node) {
        Fields fields = Fields.of(node, "defaults", Keys.DEFAULTS);
        ConflictScope scope = fields.optional("scope", ScenarioReader::scope).orElse(ConflictScope.ROW);
        ResolverSpec resolver = fields.optional("resolver", ScenarioReader::configuredResolver).orElse(ResolverSpec.TIMESTAMP);
        fields.get("resolver").ifPresent(n -> lines.put("defaults.resolver", n.line()));
        Map<ConflictType, ResolverSpec> byType = fields.optional("conflict_resolvers", ScenarioReader::resolversByType).orElse(Map.of());
        return new Defaults(scope, resolver, byType);
    }

    /**
     * The schema's text, and the line that text starts on. The parser gives a block ({@code schema: |}) the line of
     * its {@code |}, and its text starts on the next one; a text with a line break in it is such a block, since a
     * quoted value folds its line breaks into spaces.
     */
    private String schema(YamlNode node) {
        String schema = Read.nonBlankText(node, "schema");
        lines.put("schema", schema.contains("\n") ? node.line() + 1 : node.line());
        return schema;
    }

    private List<TableConfig> tables(YamlNode node) {
        YamlNode.Mapping map = Read.mapping(node, "tables");
        lines.put("tables", node.line());
        List<TableConfig> tables = new ArrayList<>();
        for (YamlNode.Entry e : map.entries().values()) {
            lines.put("tables." + e.key(), e.line());
            tables.add(table(e.key(), e.value(), "tables." + e.key()));
        }
        return tables;
    }

    /** One table; {@code pers:} with nothing after it means the table with the defaults. */
    private TableConfig table(String name, YamlNode node, String path) {
        TableConfig table = TableConfig.of(name);
        if (node instanceof YamlNode.Scalar s && s.value() == null) {
            return table;
        }
        Fields fields = Fields.of(node, path, Keys.TABLE);
        for (String key : List.of("filter", "columns", "resolver", "conflict_resolvers")) {
            fields.get(key).ifPresent(n -> lines.put(fields.path(key), n.line()));
        }
        table = table.withFilter(fields.optional("filter", Read::nonBlankText).orElse(null));
        table = table.withColumns(fields.optional("columns", ScenarioReader::columns).orElse(null));
        table = table.withScope(fields.optional("scope", ScenarioReader::scope).orElse(null));
        table = table.withResolvers(fields.optional("conflict_resolvers", ScenarioReader::resolversByType).orElse(null));
        return table.withResolver(fields.optional("resolver", ScenarioReader::configuredResolver).orElse(null));
    }

    /**
     * {@code conflict_resolvers: {update-missing-row: ignore, insert-exists: {name: timestamp, then: site-priority}}}:
     * the rule for each conflict type named, overriding the table's (or the defaults') {@code resolver} for it.
     */
    static Map<ConflictType, ResolverSpec> resolversByType(YamlNode node, String path) {
        Map<ConflictType, ResolverSpec> byType = new EnumMap<>(ConflictType.class);
        for (YamlNode.Entry e : Read.mapping(node, path).entries().values()) {
            String where = path + "." + e.key();
            ConflictType type;
            try {
                type = ConflictType.parse(e.key());
            } catch (IllegalArgumentException unknown) {
                type = null;
            }
            if (type == null || !type.decidedByResolvers()) {
                throw new Malformed(e.line(), e.column(), where, "'" + e.key() + "' is not a conflict type a resolver decides (known: "
                    + String.join(", ", ConflictType.decidable().stream().map(ConflictType::word).toList()) + ")");
            }
            byType.put(type, configuredResolver(e.value(), where));
        }
        return byType;
    }

    /** The rows of {@code initial}, remembering the line of each table, row and column. */
    private Map<String, List<Row>> initial(YamlNode node, String path) {
        Map<String, List<Row>> rows = Rows.byTable(node, path);
        for (YamlNode.Entry table : Read.mapping(node, path).entries().values()) {
            String tablePath = path + "." + table.key();
            lines.put(tablePath, table.line());
            List<YamlNode> items = Read.list(table.value(), tablePath);
            for (int i = 0; i < items.size(); i++) {
                String rowPath = tablePath + "[" + i + "]";
                lines.put(rowPath, items.get(i).line());
                Read.mapping(items.get(i), rowPath).entries().values().forEach(c -> lines.put(rowPath + "." + c.key(), c.line()));
            }
        }
        return rows;
    }

    static List<String> columns(YamlNode node, String path) {
        List<YamlNode> items = Read.list(node, path);
        if (items.isEmpty()) {
            throw Malformed.at(node, path, "a column subset needs at least the key columns");
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
        return resolver(node, path, false);
    }

    /**
     * A resolver a table or the defaults are configured with: each name must be one the format documents or one
     * registered on the class path; anything else is a typo, said here rather than as "not supported yet".
     */
    static ResolverSpec configuredResolver(YamlNode node, String path) {
        return resolver(node, path, true);
    }

    private static ResolverSpec resolver(YamlNode node, String path, boolean known) {
        if (node instanceof YamlNode.Scalar) {
            ResolverSpec spec = ResolverSpec.of(resolverName(node, path, known));
            if (known) {
                ResolverNames.problem(spec).ifPresent(problem -> {
                    throw Malformed.at(node, path, problem);
                });
            }
            return spec;
        }
        YamlNode.Mapping map = Read.mapping(node, path);
        Fields fields = Fields.of(node, path, List.copyOf(map.entries().keySet()));
        String name = resolverName(fields.require("name"), fields.path("name"), known);
        ResolverSpec spec = new ResolverSpec(name, fields.optional("then", (n, p) -> resolver(n, p, known)));
        for (YamlNode.Entry e : map.entries().values()) {
            if (!Keys.RESOLVER.contains(e.key())) {
                spec = spec.withParameter(e.key(), parameter(e.value(), fields.path(e.key())));
            }
        }
        if (known) {
            ResolverNames.problem(spec).ifPresent(problem -> {
                throw new Malformed(firstParameterLine(map).orElse(map.line()), 0, path, problem);
            });
        }
        return spec;
    }

    /** A parameter's words: one scalar, or a list of them ({@code columns: [qty, total]}). */
    private static List<String> parameter(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar) {
            return List.of(Read.nonBlankText(node, path));
        }
        List<YamlNode> items = Read.list(node, path);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            words.add(Read.nonBlankText(items.get(i), path + "[" + i + "]"));
        }
        return words;
    }

    private static Optional<Integer> firstParameterLine(YamlNode.Mapping map) {
        return map.entries().values().stream().filter(e -> !Keys.RESOLVER.contains(e.key())).map(YamlNode.Entry::line).findFirst();
    }

    private static String resolverName(YamlNode node, String path, boolean known) {
        String name = Read.nonBlankText(node, path);
        if (known && !ResolverNames.isKnown(name)) {
            throw Malformed.at(node, path, "unknown resolver '" + name + "' (known: "
                + String.join(", ", ResolverNames.known()) + ")");
        }
        return name;
    }
}
