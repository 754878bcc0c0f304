package dev.converge.node.check;

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
 * The process {@link CheckAtScaleIT} starts with a small heap: two H2 file databases of {@code ROWS} rows each, four
 * of them different (made before Converge is installed, so replication never saw them), node B running on a port of
 * 127.0.0.1, node A stopped, and {@code converge check} from A's configuration file. Prints the check's output, the
 * peak heap in use, and exits with the check's exit code.
 */
public final class CheckAtScale {
    static final String SECRET = "check-at-scale-secret-0123456789";

    private CheckAtScale() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int portA = freePort();
        int portB = freePort();
        long began = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url(dir, "a"), "sa", ""); Statement s = c.createStatement()) {
            s.execute("create table item (id int primary key, name varchar(40), qty int)");
            for (int from = 1; from <= rows; from += 100_000) {
                s.execute("insert into item select x, concat('row ', x), x from system_range(" + from + ", " + Math.min(rows, from + 99_999) + ")");
            }
        }
        // b starts as a copy of a's file (twice as fast as filling it), then both change behind replication's back
        Files.copy(dir.resolve("a.mv.db"), dir.resolve("b.mv.db"));
        try (Connection c = DriverManager.getConnection(url(dir, "b"), "sa", ""); Statement s = c.createStatement()) {
            s.execute("delete from item where id = 777");
            s.execute("update item set qty = -1 where id = " + rows / 2);
            s.execute("insert into item values (" + (rows + 1) + ", 'only on b', 1)");
        }
        try (Connection c = DriverManager.getConnection(url(dir, "a"), "sa", ""); Statement s = c.createStatement()) {
            s.execute("update item set name = 'only at a' where id = " + (rows - 1));
        }
        System.out.printf("filled %,d rows a side in %.1f s%n", rows, (System.nanoTime() - began) / 1e9);
        Node.open(config("A", "B"), h2(dir, "a"), TimeSource.system()); // installs; A stays stopped: check reads its file
        Node b = Node.open(config("B", "A"), h2(dir, "b"), TimeSource.system());
        PeerEndpoint a = new PeerEndpoint(NodeId.of("A"), URI.create("http://127.0.0.1:" + portA), Secret.of(SECRET));
        int exit;
        try (RunningNode running = new RunningNode(b, h2(dir, "b"), new InetSocketAddress("127.0.0.1", portB), List.of(a), PeerLimits.DEFAULT)) {
            Path yaml = dir.resolve("a.yaml");
            Files.writeString(yaml, String.join("\n", "id: A", "listen: \"127.0.0.1:" + portA + "\"", "database:",
                "  url: \"" + url(dir, "a") + "\"", "  user: sa", "  password: \"\"", "peers:", "  - id: B",
                "    url: \"http://127.0.0.1:" + portB + "\"", "    secret: \"" + SECRET + "\"", "tables:", "  item:", ""));
            long checking = System.nanoTime();
            exit = ConvergeCommand.execute(System.out, System.out, "check", "--config", yaml.toString(), "--peer", "B", "--settle", "5",
                "--progress", "plain");
            System.out.printf("check took %.1f s%n", (System.nanoTime() - checking) / 1e9);
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                System.out.printf("heap pool %s: peak %d MiB%n", pool.getName(), pool.getPeakUsage().getUsed() >> 20);
            }
        }
        System.out.printf("heap at most %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        System.out.flush();
        System.exit(exit);
    }

    private static NodeConfig config(String id, String peer) {
        return NodeConfig.builder(id).peer(peer).table(TableConfig.of("item")).build();
    }

    private static String url(Path dir, String id) {
        return "jdbc:h2:" + dir.resolve(id).toAbsolutePath();
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
