package dev.converge.node.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the tests that run nodes as processes share: starting {@code converge run} and other commands as processes of
 * their own, connecting as an application, SQL one-liners, waiting for a condition, a free port.
 */
final class ProcessSupport {
    private ProcessSupport() {
    }

    /** A condition a test waits for; an exception means "not yet", an {@link AssertionError} fails at once. */
    interface Check {
        boolean holds() throws Exception;
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Waits until {@code check} holds, at most {@code bound}; then fails naming {@code what} and the last error seen. */
    static void awaitUntil(Duration bound, Check check, String what) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting until " + what + (last == null ? "" : " (last error: " + last + ")"));
    }

    /** The command line that runs the {@code converge} command line in a JVM of its own, on this test's class path. */
    private static List<String> converge(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.converge.node.cli.ConvergeCommand"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts {@code converge run --config config} (256 MB of heap) with {@code env} added to its environment and its
     * output in {@code log}; returns once the log says {@code ready}, and fails with the log if the process exits first
     * or does not get there within {@code bound}.
     */
    static Process startNode(Path config, Path log, Map<String, String> env, String ready, Duration bound) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(converge(List.of("-Xmx256m"), "run", "--config", config.toString()));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            awaitUntil(bound, () -> {
                String text = Files.exists(log) ? Files.readString(log) : "";
                if (!p.isAlive() && !text.contains(ready)) {
                    throw new AssertionError("the node of " + config + " exited with " + p.exitValue() + " instead of starting");
                }
                return text.contains(ready);
            }, "the node of " + config + " started (log: " + log + ")");
        } catch (AssertionError e) {
            p.destroyForcibly(); // the caller never gets it to stop
            throw new AssertionError(e.getMessage() + "\n--- its log ---\n" + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
        }
        return p;
    }

    /** Runs a {@code converge} command as its own process with {@code env}; asserts its exit code and returns its output. */
    static String command(Map<String, String> env, int exit, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(converge(List.of(), args)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "converge " + String.join(" ", args) + " ended within a minute");
        assertEquals(exit, p.exitValue(), out);
        return out;
    }

    /** A connection to a node's H2 database {@code database} served on {@code tcpPort}, as an application in another process opens it. */
    static Connection h2App(int tcpPort, Path database) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:tcp://localhost:" + tcpPort + "/" + database, "sa", "");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
