package dev.converge.node.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.converge.node.process.ProcessSupport.exec;
import static dev.converge.node.process.ProcessSupport.freePort;
import static dev.converge.node.process.ProcessSupport.scalar;

import dev.converge.dialect.Dialect;
import dev.converge.scratch.ScratchDatabase;
import dev.converge.testkit.AllDialects;
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
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 campaign against real node processes: two nodes ({@code converge run}, each its own JVM, HTTP port and
 * database) replicate both ways while an application writes on both; round after round one of them, chosen by a
 * seeded random, is killed with SIGKILL after a random time (so at whatever it was doing: capturing, sequencing,
 * sending, receiving, applying, acknowledging), stays down a random while, and is started again. Then every committed
 * write must be on both nodes, the two must hold the same rows, and no conflict may be recorded (each row is written on
 * one node only, so a conflict would mean a ChangeSet applied twice or out of order).
 *
 * <p>On H2 the database lives in the node's JVM (served over H2's TCP server), so the application's writes to the
 * killed node fail until it is back; a write whose commit failed is not counted as committed. On PostgreSQL the
 * application keeps writing while the node is down, and capture (triggers in the database) keeps capturing.
 *
 * <p>Reproducible: {@code -Dconverge.crash.seed=N} replays a campaign, {@code -Dconverge.crash.rounds=N} sets its length
 * (default 4 per dialect, to keep CI short); failures name the seed.
 */
class CrashCampaignIT {
    private static final Duration BOUND = Duration.ofSeconds(180);
    private static final String SECRET = "a-secret-of-the-crash-pair-0123456789";
    private static final List<String> NODES = List.of("a", "b");

    @TempDir
    Path dir;

    private Dialect dialect;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Integer> tcpPorts = new LinkedHashMap<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    private final Map<String, String> pgUrls = new LinkedHashMap<>();
    private int starts;

    @AfterEach
    void stopAll() {
        processes.values().forEach(Process::destroyForcibly);
    }

    @AllDialects
    void everyCommittedWriteArrivesOnceThroughRoundsOfKillMinusNine(Dialect dialect) throws Exception {
        this.dialect = dialect;
        long seed = Long.getLong("converge.crash.seed", System.nanoTime());
        int rounds = Integer.getInteger("converge.crash.rounds", 4);
        String campaign = "campaign seed " + seed + " (" + rounds + " rounds, " + dialect.word() + "; replay with -Dconverge.crash.seed=" + seed + ")";
        Random random = new Random(seed);
        mesh();
        for (String id : NODES) {
            start(id);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<String, Writer> writers = new LinkedHashMap<>();
        for (String id : NODES) {
            Writer w = new Writer(id, writing);
            writers.put(id, w);
            w.start();
        }
        List<String> log = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            String victim = NODES.get(random.nextInt(NODES.size()));
            long after = 300 + random.nextInt(2000);
            long down = random.nextInt(1500);
            Thread.sleep(after);
            Process p = processes.get(victim);
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "node " + victim + " died; " + campaign);
            log.add("round " + round + ": killed " + victim + " after " + after + " ms, down " + down + " ms");
            System.out.println(java.time.Instant.now() + " " + log.get(log.size() - 1));
            Thread.sleep(down);
            start(victim);
        }
        Thread.sleep(500);
        writing.set(false);
        for (Writer w : writers.values()) {
            w.join(60_000);
            assertTrue(w.failure == null, "writer at " + w.node + " failed: " + w.failure + "; " + campaign);
            assertTrue(w.committed.size() > 20, "writer at " + w.node + " committed " + w.committed.size() + " rows; " + campaign);
        }
        String what = campaign + "\n" + String.join("\n", log);
        awaitUntil(() -> {
            try (Connection a = app("a"); Connection b = app("b")) {
                return rows(a).equals(rows(b));
            }
        }, "both nodes hold the same rows; " + what);
        try (Connection a = app("a"); Connection b = app("b")) {
            Map<Integer, Integer> atA = qty(a);
            Map<Integer, Integer> atB = qty(b);
            for (Writer w : writers.values()) {
                for (Map.Entry<Integer, Integer> e : w.committed.entrySet()) {
                    Integer qa = atA.get(e.getKey());
                    assertTrue(qa != null, "row " + e.getKey() + " committed at " + w.node + " is on a; " + what);
                    assertTrue(atB.containsKey(e.getKey()), "row " + e.getKey() + " committed at " + w.node + " is on b; " + what);
                    assertTrue(qa >= e.getValue(), "row " + e.getKey() + " has every committed increment (" + qa + " >= " + e.getValue()
                        + "); " + what);
                }
            }
            for (Connection c : List.of(a, b)) {
                assertEquals(0L, scalar(c, "select count(*) from \"cv_conflict\""), "no conflict was recorded (nothing applied twice); "
                    + what);
            }
        }
    }

    /** The application at one node: inserts its own rows and increments them; counts only writes whose commit returned. */
    private final class Writer extends Thread {
        final String node;
        final AtomicBoolean writing;
        /** Committed rows (by id) and how many increments of each were committed. */
        final Map<Integer, Integer> committed = new ConcurrentHashMap<>();
        volatile Throwable failure;

        Writer(String node, AtomicBoolean writing) {
            super("writer-" + node);
            this.node = node;
            this.writing = writing;
        }

        @Override
        public void run() {
            int base = node.equals("a") ? 1_000_000 : 2_000_000;
            int next = 0;
            Random r = new Random(base);
            try {
                while (writing.get()) {
                    try (Connection c = app(node)) {
                        c.setAutoCommit(false);
                        while (writing.get()) {
                            int id = base + next;
                            exec(c, "insert into item values (" + id + ", '" + node + "', 0)");
                            c.commit();
                            committed.put(id, 0);
                            next++;
                            if (next % 3 == 0 && !committed.isEmpty()) {
                                int target = base + r.nextInt(next);
                                if (committed.containsKey(target)) {
                                    exec(c, "update item set qty = qty + 1 where id = " + target);
                                    c.commit();
                                    committed.merge(target, 1, Integer::sum);
                                }
                            }
                            Thread.sleep(5);
                        }
                    } catch (SQLException e) {
                        // the node (H2: and its database) is down, or the commit's outcome is unknown: not counted, and
                        // the id is not used again (the insert may have committed)
                        next++;
                        Thread.sleep(100);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    // ---- the mesh -------------------------------------------------------------------------------------------------

    private void mesh() throws IOException, SQLException {
        for (String id : NODES) {
            tcpPorts.put(id, freePort());
            httpPorts.put(id, freePort());
            if (dialect == Dialect.POSTGRESQL) {
                pgUrls.put(id, ScratchDatabase.postgresqlUrl("crash_" + id));
            }
            try (Connection c = dialect == Dialect.H2 ? DriverManager.getConnection("jdbc:h2:" + dir.resolve(id), "sa", "")
                : DriverManager.getConnection(pgUrls.get(id)); Statement s = c.createStatement()) {
                s.execute("create table item (id int primary key, origin varchar(4), qty int)");
            }
        }
        for (String id : NODES) {
            String other = id.equals("a") ? "b" : "a";
            List<String> database = dialect == Dialect.H2
                ? List.of("  url: \"jdbc:h2:" + dir.resolve(id) + "\"", "  user: sa", "  password: \"\"", "  h2_tcp_port: " + tcpPorts.get(id))
                : List.of("  url: \"" + pgUrls.get(id) + "\"");
            List<String> lines = new ArrayList<>(List.of("id: " + id.toUpperCase(), "listen: \"127.0.0.1:" + httpPorts.get(id) + "\"", "database:"));
            lines.addAll(database);
            lines.addAll(List.of("peers:", "  - id: " + other.toUpperCase(), "    url: \"http://127.0.0.1:" + httpPorts.get(other) + "\"",
                "    secret: \"${PAIR_SECRET}\"", "tables:", "  item:", ""));
            Files.writeString(dir.resolve(id + ".yaml"), String.join("\n", lines), StandardCharsets.UTF_8);
        }
    }

    private void start(String id) throws Exception {
        processes.put(id, ProcessSupport.startNode(dir.resolve(id + ".yaml"), dir.resolve(id + "-" + (++starts) + ".log"),
            Map.of("PAIR_SECRET", SECRET), "listens on", BOUND));
    }

    private Connection app(String id) throws SQLException {
        return dialect == Dialect.H2 ? ProcessSupport.h2App(tcpPorts.get(id), dir.resolve(id)) : DriverManager.getConnection(pgUrls.get(id));
    }

    private static List<String> rows(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, origin, qty from item order by id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
            }
        }
        return out;
    }

    private static Map<Integer, Integer> qty(Connection c) throws SQLException {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, qty from item")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return out;
    }

    private static void awaitUntil(ProcessSupport.Check check, String what) throws Exception {
        ProcessSupport.awaitUntil(BOUND, check, what);
    }
}
