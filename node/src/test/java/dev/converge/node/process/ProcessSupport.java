package dev.converge.node.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** What the tests that run nodes as processes share: SQL one-liners, waiting for a condition, a free port. */
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
