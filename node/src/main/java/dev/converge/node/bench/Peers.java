package dev.converge.node.bench;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.specs.run.DatabaseFactory;
import dev.converge.transport.InProcessTransport;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A mesh of fresh peers for one run: each its own fresh database with the benchmark's tables, Converge installed on
 * every one of them, all on one in-process transport.
 */
final class Peers {
    interface Schema {
        void create(DataSource db) throws SQLException;
    }

    final List<String> names = new ArrayList<>();
    final List<DataSource> dbs = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final InProcessTransport transport = new InProcessTransport();

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
            Node node = Node.open(config.build(), dbs.get(i), TimeSource.system());
            p.dbs.add(dbs.get(i));
            p.nodes.add(node);
            p.transport.register(node);
        }
        return p;
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
}
