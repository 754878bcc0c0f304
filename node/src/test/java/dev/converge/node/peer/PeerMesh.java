package dev.converge.node.peer;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.node.run.RunningNode;
import dev.converge.node.tls.NodeTls;
import dev.converge.testkit.Await;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import javax.sql.DataSource;

/**
 * Real peers over real HTTP (or HTTPS, per node: {@link #tls}) for a test: each node its own fresh database (one
 * dialect, one schema), its own port on 127.0.0.1, a secret per pair, the system clock. Nodes start running unless the test says otherwise; {@link #stop}
 * and {@link #start} take one down and bring it back (reopened on its database, as a restart would).
 */
final class PeerMesh implements AutoCloseable {
    static final String SCHEMA = "create table item (id int primary key, name varchar(100), qty int)";
    static final PeerLimits LIMITS = PeerLimits.DEFAULT.withMaxBackoff(Duration.ofMillis(500));

    private final List<String> ids;
    private final Map<String, DataSource> dbs = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, NodeConfig> configs = new LinkedHashMap<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, RunningNode> running = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private PeerLimits limits = LIMITS;

    private PeerMesh(List<String> ids) {
        this.ids = List.copyOf(ids);
    }

    /** Nodes {@code ids}, each replicating {@code table} as {@code tables} says for it (all alike by default). */
    static PeerMesh of(Dialect dialect, String name, List<String> ids, BiFunction<String, NodeConfig.Builder, NodeConfig.Builder> tweak) {
        PeerMesh mesh = new PeerMesh(ids);
        for (String id : ids) {
            DataSource db = new SwitchableDataSource(TestDatabases.fresh(dialect, name + "_" + id));
            Sql.on(db).execute(SCHEMA);
            mesh.dbs.put(id, db);
            mesh.ports.put(id, freePort());
            NodeConfig.Builder b = NodeConfig.builder(id);
            ids.stream().filter(p -> !p.equals(id)).forEach(b::peer);
            b.table(TableConfig.of("item"));
            mesh.configs.put(id, tweak.apply(id, b).build());
            mesh.nodes.put(id, Node.open(mesh.configs.get(id), db, TimeSource.system()));
        }
        return mesh;
    }

    static PeerMesh of(Dialect dialect, String name, List<String> ids) {
        return of(dialect, name, ids, (id, b) -> b);
    }

    PeerMesh limits(PeerLimits l) {
        this.limits = l;
        return this;
    }

    /** Starts every node that is not running. */
    PeerMesh startAll() {
        ids.forEach(id -> {
            if (!running.containsKey(id)) {
                start(id);
            }
        });
        return this;
    }

    /** Starts node {@code id} (reopened on its database if it ran before) on its own port. */
    RunningNode start(String id) {
        if (!nodes.containsKey(id)) {
            nodes.put(id, Node.open(configs.get(id), dbs.get(id), TimeSource.system()));
        }
        RunningNode r = new RunningNode(nodes.get(id), dbs.get(id), new InetSocketAddress("127.0.0.1", ports.get(id)), endpoints(id), limits,
            tls(id), List.of());
        running.put(id, r);
        return r;
    }

    /** Stops node {@code id}'s server and links, and forgets its {@link Node} (the next start reopens it). */
    void stop(String id) {
        running.remove(id).close();
        nodes.remove(id);
    }

    List<PeerEndpoint> endpoints(String id) {
        List<PeerEndpoint> out = new ArrayList<>();
        ids.stream().filter(p -> !p.equals(id)).forEach(p -> out.add(endpoint(id, p)));
        return out;
    }

    /** {@code to} as {@code from} knows it. */
    PeerEndpoint endpoint(String from, String to) {
        return new PeerEndpoint(NodeId.of(to), url(to), Secret.of(miskeyed.getOrDefault(from + ">" + to, secret(from, to))));
    }

    private final Map<String, String> miskeyed = new LinkedHashMap<>();

    /** Makes {@code from} use another secret for {@code to} than {@code to} uses for it (call before starting {@code from}). */
    PeerMesh miskey(String from, String to, String wrongSecret) {
        miskeyed.put(from + ">" + to, wrongSecret);
        return this;
    }

    /** The secret of a pair: long, random, easy to look for in logs. */
    String secret(String a, String b) {
        String pair = a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
        return secrets.computeIfAbsent(pair, p -> "s3cr3t-" + p + "-" + UUID.randomUUID());
    }

    List<String> secrets() {
        return List.copyOf(secrets.values());
    }

    /** Makes node {@code id}'s database refuse every new connection, as a database that went down. */
    void cutDatabase(String id) {
        ((SwitchableDataSource) dbs.get(id)).cut();
    }

    URI url(String id) {
        return URI.create(tls(id).scheme() + "://127.0.0.1:" + ports.get(id));
    }

    private final Map<String, NodeTls> tls = new LinkedHashMap<>();

    /**
     * Makes node {@code id} serve and trust as {@code t} says from its next start (plain HTTP until then); its peers
     * reach it at an {@code https://} URL when {@code t} serves HTTPS, from their next start.
     */
    PeerMesh tls(String id, NodeTls t) {
        tls.put(id, t);
        return this;
    }

    NodeTls tls(String id) {
        return tls.getOrDefault(id, NodeTls.plain());
    }

    RunningNode running(String id) {
        return running.get(id);
    }

    Node node(String id) {
        return nodes.get(id);
    }

    DataSource dataSource(String id) {
        return dbs.get(id);
    }

    Sql sql(String id) {
        return Sql.on(dbs.get(id));
    }

    /** The item table of a node, in key order, as text. */
    String items(String id) {
        return sql(id).query("select id, name, qty from item order by id").toString();
    }

    /** Waits until every node holds the same items, and {@code rows} of them. */
    void awaitConverged(int rows, Duration bound) {
        Await.until(() -> {
            String first = items(ids.get(0));
            return ids.stream().allMatch(id -> items(id).equals(first))
                && ((Number) sql(ids.get(0)).scalar("select count(*) from item")).intValue() == rows;
        }, bound, "every node holds the same " + rows + " items: " + ids.stream().map(id -> id + "=" + count(id)).toList());
    }

    private int count(String id) {
        return ((Number) sql(id).scalar("select count(*) from item")).intValue();
    }

    @Override
    public void close() {
        running.values().forEach(RunningNode::close);
        running.clear();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
