package dev.converge.node.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.converge.node.process.ProcessSupport.exec;
import static dev.converge.node.process.ProcessSupport.freePort;
import static dev.converge.node.process.ProcessSupport.scalar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge run} as real processes: two nodes, each its own JVM, its own H2 file database (served over H2's TCP
 * server to the "application", this test) and its own HTTP port, replicating over real HTTP. Stopped with SIGTERM they
 * say so and exit 0; killed with SIGKILL in the middle of a stream of writes and started again, the mesh still ends
 * with every committed row exactly once on both. Rows compared in SQL.
 */
class NodeProcessIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final String SECRET = "a-secret-of-the-test-pair-0123456789";

    @TempDir
    Path dir;

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> tcpPorts = new LinkedHashMap<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

    @AfterEach
    void stopAll() {
        processes.values().forEach(Process::destroyForcibly);
    }

    @Test
    void twoProcessesReplicateAndStopCleanlyOnSigterm() throws Exception {
        mesh();
        start("a");
        start("b");
        try (Connection a = app("a"); Connection b = app("b")) {
            exec(a, "insert into item values (1, 'written at a', 1)");
            exec(b, "insert into item values (2, 'written at b', 2)");
            awaitRows(List.of(1, 2));
        }
        String status = command("status", "--config", dir.resolve("a.yaml").toString());
        assertTrue(status.contains("node A is running"), status);
        assertTrue(status.contains("applied here: B up to 1"), status);
        assertTrue(!status.contains(SECRET), "no secret in status");
        // a's H2 file is held by its process: check reads it through the node's H2 TCP server
        String check = command("check", "--config", dir.resolve("a.yaml").toString(), "--peer", "B");
        assertTrue(check.contains("A and B hold the same rows in 1 table"), check);
        Process a = processes.get("a");
        a.destroy(); // SIGTERM
        assertTrue(a.waitFor(60, TimeUnit.SECONDS), "a stops on SIGTERM");
        assertEquals(143, a.exitValue(), "the JVM's status after a SIGTERM whose shutdown completed (128 + 15)");
        String log = Files.readString(dir.resolve("a.log"));
        assertTrue(log.contains("node A stopped"), log);
        // the node's trimming stops before its connection pool closes, so no trim step fails on a closed pool
        assertFalse(log.contains("trimming ("), log);
    }

    @Test
    void aNodeKilledWhileItReceivesCatchesUpWithEveryRowOnceAfterRestart() throws Exception {
        mesh();
        start("a");
        start("b");
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try (Connection a = app("a")) {
                for (int i = 1; i <= 400; i++) {
                    exec(a, "insert into item values (" + i + ", 'row " + i + "', " + i + ")");
                    if (i % 3 == 0) {
                        exec(a, "update item set qty = qty + 1000 where id = " + (i - 1));
                    }
                    written.set(i);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        awaitUntil(() -> written.get() >= 120, "a has taken some writes");
        processes.get("b").destroyForcibly(); // SIGKILL while it receives and applies
        processes.get("b").waitFor(30, TimeUnit.SECONDS);
        awaitUntil(() -> written.get() >= 250, "a takes writes while b is down");
        start("b");
        writer.join();
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= 400; i++) {
            ids.add(i);
        }
        awaitRows(ids);
        try (Connection a = app("a"); Connection b = app("b")) {
            assertEquals(rows(a), rows(b), "a and b hold the same rows");
            assertEquals(133L, scalar(b, "select count(*) from item where qty >= 1000"), "every update arrived exactly once");
            assertEquals(0L, scalar(b, "select count(*) from item where qty >= 2000"), "no update applied twice");
        }
    }

    // ---- the mesh -------------------------------------------------------------------------------------------------

    private void mesh() throws IOException, SQLException {
        for (String id : List.of("a", "b")) {
            tcpPorts.put(id, freePort());
            httpPorts.put(id, freePort());
            try (Connection c = DriverManager.getConnection("jdbc:h2:" + dir.resolve(id), "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("create table item (id int primary key, name varchar(40), qty int)");
            }
        }
        for (String id : List.of("a", "b")) {
            String other = id.equals("a") ? "b" : "a";
            Files.writeString(dir.resolve(id + ".yaml"), String.join("\n",
                "id: " + id.toUpperCase(),
                "listen: \"127.0.0.1:" + httpPorts.get(id) + "\"",
                "database:",
                "  url: \"jdbc:h2:" + dir.resolve(id) + "\"",
                "  user: sa",
                "  password: \"\"",
                "  h2_tcp_port: " + tcpPorts.get(id),
                "peers:",
                "  - id: " + other.toUpperCase(),
                "    url: \"http://127.0.0.1:" + httpPorts.get(other) + "\"",
                "    secret: \"${PAIR_SECRET}\"",
                "tables:",
                "  item:",
                ""), StandardCharsets.UTF_8);
        }
    }

    private void start(String id) throws Exception {
        Path log = dir.resolve(id + ".log");
        Files.deleteIfExists(log);
        processes.put(id, ProcessSupport.startNode(dir.resolve(id + ".yaml"), log, Map.of("PAIR_SECRET", SECRET),
            "applications write to the database", BOUND));
    }

    /** Runs a converge command as its own process, with the pair's secret in its environment; returns its output. */
    private String command(String... args) throws Exception {
        return ProcessSupport.command(Map.of("PAIR_SECRET", SECRET), 0, args);
    }

    private Connection app(String id) throws SQLException {
        return ProcessSupport.h2App(tcpPorts.get(id), dir.resolve(id));
    }

    private void awaitRows(List<Integer> ids) throws Exception {
        awaitUntil(() -> {
            try (Connection a = app("a"); Connection b = app("b")) {
                return scalar(a, "select count(*) from item") == ids.size() && rows(a).equals(rows(b));
            }
        }, "both nodes hold " + ids.size() + " rows, the same");
    }

    private static List<String> rows(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, name, qty from item order by id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
            }
        }
        return out;
    }

    private static void awaitUntil(ProcessSupport.Check check, String what) throws Exception {
        ProcessSupport.awaitUntil(BOUND, check, what);
    }
}
