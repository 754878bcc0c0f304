package dev.converge.testkit;

import dev.converge.Node;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.transport.InProcessTransport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A few real peers for a test: each its own fresh database of one dialect with the same schema, a manual clock, and
 * one in-process transport between them. Delivery happens only when the test says so.
 */
public final class Cluster {
    public static final long NOON = java.time.Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final InProcessTransport transport = new InProcessTransport();

    public record Member(Node node, DataSource db, ManualTimeSource clock, Sql sql) {
    }

    /** Peers {@code ids} with {@code schema} run on each, replicating {@code tables} as configured by {@code tweak}. */
    public static Cluster of(Dialect dialect, String name, List<String> ids, String schema, List<TableConfig> tables,
                             UnaryOperator<NodeConfig.Builder> tweak) {
        return of(dialect, name, ids, schema, tables, tweak, db -> db);
    }

    /** As above, each peer's database reached through {@code wrap} (e.g. a {@link ReusingDataSource}). */
    public static Cluster of(Dialect dialect, String name, List<String> ids, String schema, List<TableConfig> tables,
                             UnaryOperator<NodeConfig.Builder> tweak, UnaryOperator<DataSource> wrap) {
        return ofEach(dialect, name, ids, schema, tables, (id, b) -> tweak.apply(b), wrap);
    }

    /** As above, each peer configured by {@code tweak} given its id (e.g. a key allocation per node). */
    public static Cluster ofEach(Dialect dialect, String name, List<String> ids, String schema, List<TableConfig> tables,
                                 java.util.function.BiFunction<String, NodeConfig.Builder, NodeConfig.Builder> tweak,
                                 UnaryOperator<DataSource> wrap) {
        return ofEach(dialect, name, ids, id -> 0, schema, tables, tweak, wrap);
    }

    /** As above, each peer with the priority {@code priority} gives it, in its own configuration and its peers'. */
    public static Cluster ofEach(Dialect dialect, String name, List<String> ids, java.util.function.ToIntFunction<String> priority,
                                 String schema, List<TableConfig> tables,
                                 java.util.function.BiFunction<String, NodeConfig.Builder, NodeConfig.Builder> tweak,
                                 UnaryOperator<DataSource> wrap) {
        Cluster c = new Cluster();
        Map<String, DataSource> dbs = new LinkedHashMap<>();
        for (String id : ids) {
            DataSource db = wrap.apply(TestDatabases.fresh(dialect, name + "_" + id.toLowerCase()));
            Sql.on(db).execute(schema.split(";\\s*\\n"));
            dbs.put(id, db);
        }
        for (String id : ids) {
            NodeConfig.Builder b = NodeConfig.builder(id).priority(priority.applyAsInt(id));
            ids.stream().filter(p -> !p.equals(id)).forEach(p -> b.peer(p, priority.applyAsInt(p)));
            tables.forEach(b::table);
            ManualTimeSource clock = new ManualTimeSource(NOON);
            Node node = Node.open(tweak.apply(id, b).build(), dbs.get(id), clock);
            c.members.put(id, new Member(node, dbs.get(id), clock, Sql.on(dbs.get(id))));
            c.transport.register(node);
        }
        return c;
    }

    /**
     * Opens node {@code id} again on its database and clock, now replicating {@code tables} (its peers unchanged), as
     * a restart with a changed configuration does; the transport delivers to the new node from then on.
     */
    public Node reopen(String id, List<TableConfig> tables) {
        Member m = members.get(id);
        NodeConfig.Builder b = NodeConfig.builder(id);
        members.keySet().stream().filter(p -> !p.equals(id)).forEach(b::peer);
        tables.forEach(b::table);
        Node node = Node.open(b.build(), m.db(), m.clock());
        members.put(id, new Member(node, m.db(), m.clock(), m.sql()));
        transport.register(node);
        return node;
    }

    public static Cluster of(Dialect dialect, String name, List<String> ids, String schema, List<TableConfig> tables) {
        return of(dialect, name, ids, schema, tables, b -> b);
    }

    public Member member(String id) {
        return members.get(id);
    }

    public Node node(String id) {
        return members.get(id).node();
    }

    public Sql sql(String id) {
        return members.get(id).sql();
    }

    /** Runs statements as one local transaction on a node, at its clock's current time. */
    public void write(String id, String... statements) {
        Member m = members.get(id);
        m.node().publishWallClock();
        m.sql().transaction(statements);
    }

    /** Moves every node's wall clock forward. */
    public void tick(long millis) {
        members.values().forEach(m -> m.clock().advance(millis));
    }

    public int deliver(String from, String to) {
        return node(from).deliverTo(NodeId.of(to), transport);
    }

    /** Delivers everything everywhere until nothing moves. */
    public void sync() {
        for (int round = 0; round < 20; round++) {
            int moved = 0;
            for (String from : members.keySet()) {
                for (String to : members.keySet()) {
                    if (!from.equals(to)) {
                        moved += deliver(from, to);
                    }
                }
            }
            if (moved == 0) {
                return;
            }
        }
        throw new AssertionError("the cluster did not settle in 20 delivery rounds");
    }

    public Map<String, List<RowImage>> data(String id) {
        return node(id).replicatedRows();
    }

    /** The replicated rows of one table on a node, in key order; the table name is matched ignoring case. */
    public List<RowImage> rows(String id, String table) {
        return data(id).entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(table)).map(Map.Entry::getValue).findFirst()
            .orElseThrow(() -> new AssertionError(id + " does not replicate table " + table));
    }

    public List<String> ids() {
        return new ArrayList<>(members.keySet());
    }

    public InProcessTransport transport() {
        return transport;
    }
}
