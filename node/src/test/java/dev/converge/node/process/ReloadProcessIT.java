package dev.converge.node.process;

import static dev.converge.node.process.ProcessSupport.exec;
import static dev.converge.node.process.ProcessSupport.freePort;
import static dev.converge.node.process.ProcessSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge run} processes take a new peer from their files without a restart: A and B run as a mesh, C runs
 * listing both; C is added to A's file, which A reads again on SIGHUP, and to B's, which {@code converge reload} (its
 * own process) makes B read. Then C receives A's and B's writes and they receive C's, over real HTTP.
 */
class ReloadProcessIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final String SECRET = "a-secret-of-the-test-mesh-0123456789";

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
    void aPeerAddedToTheFilesIsTakenOnSighupAndOnConvergeReload() throws Exception {
        for (String id : List.of("a", "b", "c")) {
            tcpPorts.put(id, freePort());
            httpPorts.put(id, freePort());
            try (Connection c = DriverManager.getConnection("jdbc:h2:" + dir.resolve(id), "sa", ""); Statement s = c.createStatement()) {
                s.execute("create table item (id int primary key, name varchar(40), qty int)");
            }
        }
        write("a", "b");
        write("b", "a");
        write("c", "a", "b");
        start("a");
        start("b");
        start("c");

        write("a", "b", "c");
        write("b", "a", "c");
        if (log("a").contains("SIGHUP or converge reload")) {
            Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(processes.get("a").pid())).inheritIO().start();
            assertTrue(hup.waitFor(30, TimeUnit.SECONDS) && hup.exitValue() == 0, "SIGHUP sent to a");
            awaitUntil(() -> log("a").contains("reload: peer C added: linked at http://127.0.0.1:" + httpPorts.get("c")), "a reloaded on SIGHUP");
            assertTrue(processes.get("a").isAlive(), "SIGHUP does not stop the node");
        } else {
            // this test runs with SIGHUP ignored (under nohup): the node must say so, not lose the signal in silence
            assertTrue(log("a").contains("this process was started with SIGHUP ignored (as under nohup); use converge reload"), log("a"));
            String reloadA = command(0, "reload", "--config", dir.resolve("a.yaml").toString());
            assertTrue(reloadA.contains("peer C added: linked at http://127.0.0.1:" + httpPorts.get("c")), reloadA);
        }
        String reload = command(0, "reload", "--config", dir.resolve("b.yaml").toString());
        assertTrue(reload.contains("peer C added: linked at http://127.0.0.1:" + httpPorts.get("c")), reload);

        try (Connection a = app("a"); Connection b = app("b"); Connection c = app("c")) {
            exec(a, "insert into item values (1, 'written at a', 1)");
            exec(c, "insert into item values (2, 'written at c', 2)");
            exec(b, "insert into item values (3, 'written at b', 3)");
        }
        awaitUntil(() -> {
            try (Connection a = app("a"); Connection b = app("b"); Connection c = app("c")) {
                return scalar(a, "select count(*) from item") == 3 && scalar(b, "select count(*) from item") == 3
                    && scalar(c, "select count(*) from item") == 3;
            }
        }, "a, b and c each hold the 3 rows");
        String status = command(0, "status", "--config", dir.resolve("a.yaml").toString());
        assertTrue(status.contains("peer C at http://127.0.0.1:" + httpPorts.get("c") + ": reachable"), status);
        assertFalse(log("a").contains(SECRET) || log("b").contains(SECRET) || reload.contains(SECRET), "no secret in logs or answers");
    }

    private void write(String id, String... peers) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
            "id: " + id.toUpperCase(),
            "listen: \"127.0.0.1:" + httpPorts.get(id) + "\"",
            "database:",
            "  url: \"jdbc:h2:" + dir.resolve(id) + "\"",
            "  user: sa",
            "  password: \"\"",
            "  h2_tcp_port: " + tcpPorts.get(id),
            "peers:"));
        for (String p : peers) {
            lines.add("  - {id: " + p.toUpperCase() + ", url: \"http://127.0.0.1:" + httpPorts.get(p) + "\", secret: \"${MESH_SECRET}\"}");
        }
        lines.addAll(List.of("tables:", "  item:", ""));
        Files.writeString(dir.resolve(id + ".yaml"), String.join("\n", lines), StandardCharsets.UTF_8);
    }

    private String log(String id) throws Exception {
        return Files.readString(dir.resolve(id + ".log"));
    }

    private void start(String id) throws Exception {
        processes.put(id, ProcessSupport.startNode(dir.resolve(id + ".yaml"), dir.resolve(id + ".log"), Map.of("MESH_SECRET", SECRET),
            "reloads the configuration", BOUND));
    }

    /** Runs a converge command as its own process; asserts its exit code and returns its output. */
    private String command(int exit, String... args) throws Exception {
        return ProcessSupport.command(Map.of("MESH_SECRET", SECRET), exit, args);
    }

    private Connection app(String id) throws SQLException {
        return ProcessSupport.h2App(tcpPorts.get(id), dir.resolve(id));
    }

    private static void awaitUntil(ProcessSupport.Check check, String what) throws Exception {
        ProcessSupport.awaitUntil(BOUND, check, what);
    }
}
