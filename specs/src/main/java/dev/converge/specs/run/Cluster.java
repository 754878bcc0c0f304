package dev.converge.specs.run;

import dev.converge.Node;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.specs.model.NodeSpec;
import dev.converge.specs.model.Row;
import dev.converge.specs.model.Scenario;
import dev.converge.transport.InProcessTransport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        try (Connection c = db.getConnection()) {
            Database.runScript(c, scenario.schema());
            for (Map.Entry<String, List<Row>> table : scenario.initial().entrySet()) {
                for (Row row : table.getValue()) {
                    Database.insert(c, dialect, table.getKey(), row);
                }
            }
        } catch (SQLException | ScenarioFailure e) {
            throw new ScenarioFailure("setting up node " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    private void open(NodeSpec spec) {
        DataSource db = databases.get(spec.id());
        ManualTimeSource clock = new ManualTimeSource(millis(Scenario.START, spec));
        try {
            Node node = Node.open(config(spec, db), db, clock);
            members.put(spec.id(), new Member(spec, db, clock, node));
            transport.register(node);
        } catch (RuntimeException e) {
            throw new ScenarioFailure("opening node " + spec.id() + ": " + ScenarioFailure.describe(e), e);
        }
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
