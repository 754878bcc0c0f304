package dev.converge.node.resync;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.model.NodeId;
import dev.converge.node.cli.ConvergeCommand;
import dev.converge.node.peer.PeerEndpoint;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.peer.Secret;
import dev.converge.node.run.RunningNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

/**
 * The process {@link ResyncAtScaleIT} starts in a small heap: A (H2 file database, running, over real HTTP) holds
 * {@code rows} rows, most from before replication, every 50th updated and every 100th deleted through capture (versions
 * and tombstones);
 * B is empty and loads A's snapshot with {@code converge resync}. Prints the time, the rows in B and the heap's peak.
 */
public final class ResyncAtScale {
    static final String SECRET = "resync-at-scale-secret-0123456789";

    private ResyncAtScale() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int portA = freePort();
        int portB = freePort();
        for (String id : List.of("a", "b")) {
            try (Connection c = DriverManager.getConnection(url(dir, id), "sa", ""); Statement s = c.createStatement()) {
                s.execute("create table item (id int primary key, name varchar(40), qty int)");
            }
        }
        long began = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url(dir, "a"), "sa", ""); Statement s = c.createStatement()) {
            for (int from = 1; from <= rows; from += 100_000) {
                s.execute("insert into item select x, concat('row ', x), x from system_range(" + from + ", " + Math.min(rows, from + 99_999) + ")");
            }
        }
        // most rows from before replication; then writes through capture give some rows versions and some tombstones
        Node a = Node.open(config("A", "B"), h2(dir, "a"), TimeSource.system());
        try (Connection c = DriverManager.getConnection(url(dir, "a"), "sa", ""); Statement s = c.createStatement()) {
            s.execute("update item set qty = qty + 1 where mod(id, 50) = 1");
            s.execute("delete from item where mod(id, 100) = 0");
        }
        System.out.printf("filled %,d rows in %.1f s%n", rows, (System.nanoTime() - began) / 1e9);
        PeerEndpoint b = new PeerEndpoint(NodeId.of("B"), URI.create("http://127.0.0.1:" + portB), Secret.of(SECRET));
        int exit;
        try (RunningNode running = new RunningNode(a, h2(dir, "a"), new InetSocketAddress("127.0.0.1", portA), List.of(b), PeerLimits.DEFAULT)) {
            Path yaml = dir.resolve("b.yaml");
            Files.writeString(yaml, String.join("\n", "id: B", "listen: \"127.0.0.1:" + portB + "\"", "database:",
                "  url: \"" + url(dir, "b") + "\"", "  user: sa", "  password: \"\"", "peers:", "  - id: A",
                "    url: \"http://127.0.0.1:" + portA + "\"", "    secret: \"" + SECRET + "\"", "tables:", "  item:", ""));
            long resyncing = System.nanoTime();
            exit = ConvergeCommand.execute(System.out, System.out, "resync", "--config", yaml.toString(), "--from", "A", "--progress", "plain");
            double seconds = (System.nanoTime() - resyncing) / 1e9;
            System.out.printf("resync took %.1f s%n", seconds);
        }
        try (Connection c = DriverManager.getConnection(url(dir, "b"), "sa", ""); Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("select count(*), sum(qty) from item")) {
            r.next();
            System.out.printf("rows in b: %d, sum %d%n", r.getLong(1), r.getLong(2));
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                System.out.printf("heap pool %s: peak %d MiB%n", pool.getName(), pool.getPeakUsage().getUsed() >> 20);
            }
        }
        System.out.printf("heap at most %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        System.out.flush();
        // no shutdown hooks: H2 would compact both files on the way out, which says nothing about the resync
        Runtime.getRuntime().halt(exit);
    }

    private static NodeConfig config(String id, String peer) {
        return NodeConfig.builder(id).peer(peer).table(TableConfig.of("item")).build();
    }

    private static String url(Path dir, String id) {
        return "jdbc:h2:" + dir.resolve(id).toAbsolutePath() + ";CACHE_SIZE=8192";
    }

    private static javax.sql.DataSource h2(Path dir, String id) {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL(url(dir, id));
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
