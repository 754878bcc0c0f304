package dev.converge.specs.run;

import dev.converge.InvalidConfigException;
import dev.converge.Node;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.specs.model.NodeSpec;
import dev.converge.specs.model.Row;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.SourceLines;
import dev.converge.specs.parse.ScenarioError;
import dev.converge.transport.InProcessTransport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The running peers of one scenario run: per node its database, its manual clock and its {@link Node}, all
 * registered on one in-process transport. Closing it closes the nodes and frees the H2 databases.
 */
final class Cluster implements AutoCloseable {
    /** One peer: what the scenario says about it, its database, its wall clock and the node itself. */
    record Member(NodeSpec spec, DataSource db, ManualTimeSource clock, Node node) {
        NodeId id() {
            return NodeId.of(spec.id());
        }
    }

    private final Scenario scenario;
    private final Dialect dialect;
    private final Map<String, DataSource> databases = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final InProcessTransport transport = new InProcessTransport();

    private Cluster(Scenario scenario, Dialect dialect) {
        this.scenario = scenario;
        this.dialect = dialect;
    }

    /**
     * Creates every node's database with the schema and the initial rows, then opens every node (replication is
     * installed only after the initial rows are in, so that they count as already in sync).
     */
    static Cluster start(Scenario scenario, Dialect dialect, DatabaseFactory factory) {
        Cluster cluster = new Cluster(scenario, dialect);
        try {
            for (NodeSpec spec : scenario.nodes()) {
                cluster.prepare(spec, factory);
            }
            for (NodeSpec spec : scenario.nodes()) {
                cluster.open(spec);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void prepare(NodeSpec spec, DatabaseFactory factory) {
        DataSource db = factory.create(dialect, scenario.name() + "_" + spec.id());
        databases.put(spec.id(), db);
        String setting = "setting up node " + spec.id() + ": ";
        try (Connection c = db.getConnection()) {
            schema(c, setting);
            for (Map.Entry<String, List<Row>> table : scenario.initial().entrySet()) {
                initial(c, table.getKey(), table.getValue(), setting);
            }
        } catch (SQLException e) {
            throw new ScenarioFailure(setting + e.getMessage(), e);
        }
    }

    /** Runs the schema script; a failing statement is reported at its own line of the file. */
    private void schema(Connection c, String setting) {
        for (SqlScript.Statement statement : SqlScript.statements(scenario.schema())) {
            try {
                Database.execute(c, statement.text());
            } catch (SQLException e) {
                throw failureAt(scenario.lines().of("schema") + statement.line(), setting + "schema statement failed: "
                    + statement.text() + ": " + Database.firstLine(e.getMessage()), e);
            }
        }
    }

    /** Inserts a table's initial rows; a row that does not fit is reported at its line (or its unknown column's). */
    private void initial(Connection c, String table, List<Row> rows, String setting) throws SQLException {
        for (int i = 0; i < rows.size(); i++) {
            try {
                Database.insert(c, dialect, table, rows.get(i));
            } catch (ScenarioFailure | SQLException e) {
                String problem = e instanceof SQLException ? Database.firstLine(e.getMessage()) : e.getMessage();
                throw failureAt(initialLine(c, table, i, rows.get(i)), setting + problem, e);
            }
        }
    }

    private int initialLine(Connection c, String table, int index, Row row) throws SQLException {
        String tablePath = "initial." + table;
        Optional<String> actual = Database.findTable(c, table);
        if (actual.isEmpty()) {
            return scenario.lines().of(tablePath);
        }
        Set<String> columns = Database.columns(c, actual.get()).keySet();
        String rowPath = tablePath + "[" + index + "]";
        return row.values().keySet().stream().filter(k -> columns.stream().noneMatch(k::equalsIgnoreCase)).findFirst()
            .map(unknown -> scenario.lines().of(rowPath + "." + unknown, rowPath))
            .orElseGet(() -> scenario.lines().of(rowPath, tablePath));
    }

    private void open(NodeSpec spec) {
        DataSource db = databases.get(spec.id());
        ManualTimeSource clock = new ManualTimeSource(millis(Scenario.START, spec));
        try {
            Node node = Node.open(config(spec, db), db, clock);
            members.put(spec.id(), new Member(spec, db, clock, node));
            transport.register(node);
        } catch (InvalidConfigException e) {
            // the configuration comes from the file: say where, and leave out the stack frame an engine bug would need
            throw failureAt(lineOf(e.error()), "opening node " + spec.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ScenarioFailure("opening node " + spec.id() + ": " + ScenarioFailure.describe(e), e);
        }
    }

    /**
     * The line of the part of the file a configuration error is about. {@code where} names a table (as configured,
     * or as the database spells it) or {@code defaults.resolver}; the problem's first words tell the filter, the
     * column subset and the resolver apart. A table the file does not list came from the schema.
     */
    private int lineOf(ConfigError error) {
        SourceLines lines = scenario.lines();
        if (error.where().equals("defaults.resolver")) {
            return lines.of("defaults.resolver", "schema");
        }
        if (!error.where().startsWith("table ")) {
            return lines.of("tables", "schema");
        }
        String named = error.where().substring("table ".length());
        boolean resolver = named.endsWith(" resolver");
        String table = resolver ? named.substring(0, named.length() - " resolver".length()) : named;
        Optional<String> configured = scenario.tables().orElse(List.of()).stream().map(TableConfig::name)
            .filter(table::equalsIgnoreCase).findFirst();
        if (configured.isEmpty()) {
            return lines.of("schema");
        }
        String path = "tables." + configured.get();
        String problem = error.problem();
        String key = resolver ? "resolver" : problem.startsWith("row filter") ? "filter"
            : problem.startsWith("column") ? "columns" : "";
        return lines.of(path + "." + key, path);
    }

    private ScenarioFailure failureAt(int line, String reason, Throwable cause) {
        return new ScenarioFailure(new ScenarioError(scenario.file(), line, reason).toString(), cause);
    }

    /** The node's configuration: its peers are all the other nodes; its tables those listed, else the schema's. */
    private NodeConfig config(NodeSpec self, DataSource db) {
        NodeConfig.Builder config = NodeConfig.builder(self.id()).priority(self.priority())
            .defaultScope(scenario.defaults().scope()).defaultResolver(scenario.defaults().resolver());
        for (NodeSpec peer : scenario.nodes()) {
            if (!peer.id().equals(self.id())) {
                config.peer(peer.id(), peer.priority());
            }
        }
        scenario.tables().orElseGet(() -> schemaTables(db)).forEach(config::table);
        return config.build();
    }

    private static List<TableConfig> schemaTables(DataSource db) {
        try (Connection c = db.getConnection()) {
            return Database.tables(c).stream().map(TableConfig::of).toList();
        } catch (SQLException e) {
            throw new ScenarioFailure("listing the tables of the schema: " + e.getMessage(), e);
        }
    }

    /** Sets every node's wall clock to the scenario time plus the node's skew. */
    void moveTo(LocalTime time) {
        for (Member m : members.values()) {
            m.clock().set(millis(time, m.spec()));
        }
    }

    private static long millis(LocalTime time, NodeSpec spec) {
        return Scenario.instant(time).plus(spec.clockSkew()).toEpochMilli();
    }

    Member member(String id) {
        Member m = members.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no node " + id + " in this run");
        }
        return m;
    }

    List<Member> members() {
        return new ArrayList<>(members.values());
    }

    InProcessTransport transport() {
        return transport;
    }

    Dialect dialect() {
        return dialect;
    }

    @Override
    public void close() {
        for (Member m : members.values()) {
            try {
                m.node().close();
            } catch (RuntimeException e) {
                // closing is best effort: the verdict is already decided, and the databases go next anyway
            }
        }
        if (dialect == Dialect.H2) {
            databases.values().forEach(Cluster::shutdownH2);
        }
    }

    /** In-memory H2 databases are kept until the JVM exits (DB_CLOSE_DELAY=-1); a long run of scenarios frees them. */
    private static void shutdownH2(DataSource db) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // already gone: nothing to free
        }
    }
}
