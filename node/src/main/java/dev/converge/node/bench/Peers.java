package dev.converge.node.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.specs.run.DatabaseFactory;
import dev.converge.node.peer.PeerEvents;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.peer.PeerLinks;
import dev.converge.transport.InProcessTransport;
import dev.converge.transport.Transport;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A mesh of fresh peers for one run: each its own fresh database with the benchmark's tables, Converge installed on
 * every one of them, all on one in-process transport. Each node works through a connection pool, as a deployed node
 * does: a node opens a transaction per unit of work (several per delivery), and a PostgreSQL connection opened for
 * each would cost a server process apiece. The workload's own writers use {@link #dbs} directly. Close it after the
 * run: that closes the pools.
 */
final class Peers implements AutoCloseable {
    /** Connections per node's pool: its delivery threads, the deliveries it receives, and the odd read. */
    private static final int POOL = 8;

    interface Schema {
        void create(DataSource db) throws SQLException;
    }

    final List<String> names = new ArrayList<>();
    final List<DataSource> dbs = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final InProcessTransport transport = new InProcessTransport();
    private final List<HikariDataSource> pools = new ArrayList<>();

    /** Fresh databases with {@code schema}, no Converge yet (for the runs without it). */
    static List<DataSource> databases(Dialect dialect, String prefix, int count, Schema schema) throws SQLException {
        List<DataSource> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(fresh(dialect, prefix + "_" + (char) ('a' + i), schema));
        }
        return out;
    }

    static DataSource fresh(Dialect dialect, String name, Schema schema) throws SQLException {
        DataSource db = DatabaseFactory.scratch().create(dialect, "bench_" + name);
        schema.create(db);
        return db;
    }

    /** {@code count} peers named A, B, C ... over fresh databases with {@code schema}, replicating {@code tables}. */
    static Peers mesh(Dialect dialect, String prefix, int count, Schema schema, List<Fingerprint.Table> tables) throws SQLException {
        Peers p = new Peers();
        List<DataSource> dbs = databases(dialect, prefix, count, schema);
        for (int i = 0; i < count; i++) {
            p.names.add(String.valueOf((char) ('A' + i)));
        }
        for (int i = 0; i < count; i++) {
            NodeConfig.Builder config = NodeConfig.builder(p.names.get(i));
            for (String other : p.names) {
                if (!other.equals(p.names.get(i))) {
                    config.peer(other);
                }
            }
            tables.forEach(t -> config.table(t.name()));
            Node node = Node.open(config.build(), p.pool(dbs.get(i), prefix + "_" + p.names.get(i)), TimeSource.system());
            p.dbs.add(dbs.get(i));
            p.nodes.add(node);
            p.transport.register(node);
        }
        return p;
    }

    private DataSource pool(DataSource db, String name) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db);
        config.setPoolName("bench-" + name);
        config.setMaximumPoolSize(POOL);
        config.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** Closes the nodes' pools; the databases stay. */
    @Override
    public void close() {
        pools.forEach(HikariDataSource::close);
    }

    Node node(int i) {
        return nodes.get(i);
    }

    NodeId id(int i) {
        return NodeId.of(names.get(i));
    }

    int size() {
        return nodes.size();
    }

    /**
     * Started links for every node, as {@code converge run} has them ({@link PeerLinks}: a sending thread per other
     * peer and an applying thread), over {@code transport}; close them before the mesh.
     */
    List<PeerLinks> links(Transport transport) {
        List<PeerLinks> out = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            int self = i;
            List<NodeId> others = java.util.stream.IntStream.range(0, size()).filter(j -> j != self).mapToObj(this::id).toList();
            out.add(new PeerLinks(node(i), transport, others, PeerLimits.DEFAULT, PeerEvents.NONE));
        }
        out.forEach(PeerLinks::start);
        return out;
    }

    /** Whether no peer has anything queued for another (asking sequences each node's committed transactions first). */
    boolean drained() {
        for (int i = 0; i < size(); i++) {
            for (int j = 0; j < size(); j++) {
                if (i != j && !node(i).outboundFor(id(j), 1).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }
}
