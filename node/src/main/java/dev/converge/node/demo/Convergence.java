package dev.converge.node.demo;

import dev.converge.Node;
import dev.converge.NodeStatus;
import dev.converge.config.ConfigError;
import io.vavr.control.Either;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Whether the peers converged: first that nothing is left in flight — read from each node's database as
 * {@code converge status} reads it ({@link Node#status}): nothing captured and not yet sequenced, nothing any peer has
 * not acknowledged, nothing received and held back — then what each database holds, in SQL. Stateless.
 */
final class Convergence {
    /**
     * What one database holds in the sample tables.
     *
     * @param rows rows per table, in {@link SampleSchema#TABLES} order
     * @param checksum the first 16 hex digits of a SHA-256 over every column of every row, tables in order, rows in key
     *     order, as the database renders each value
     */
    record Contents(Map<String, Long> rows, String checksum) {
        long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Convergence() {
    }

    /**
     * Waits until no node has anything left to send or to apply, polling every 50 ms; the writers must have stopped.
     *
     * @return whether that happened within {@code bound}
     */
    static boolean awaitDrained(DemoMesh mesh, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        int inARow = 0;
        while (System.nanoTime() < end) {
            // twice in a row: the status is read table by table, not as one snapshot, so one reading could fall
            // between a receipt and the sender's bookkeeping of it
            inARow = mesh.peers().stream().allMatch(Convergence::drained) ? inARow + 1 : 0;
            if (inARow == 2) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Reads every node's contents until they are all equal or {@code bound} passed; returns the last reading. After
     * {@link #awaitDrained} they are equal at the first reading unless the peers did not converge.
     */
    static java.util.List<Contents> awaitSame(DemoMesh mesh, Duration bound) throws SQLException, InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (true) {
            java.util.List<Contents> contents = new java.util.ArrayList<>();
            for (DemoMesh.Peer p : mesh.peers()) {
                contents.add(read(p.app()));
            }
            if (contents.stream().allMatch(c -> c.equals(contents.get(0))) || System.nanoTime() > end) {
                return contents;
            }
            Thread.sleep(100);
        }
    }

    private static boolean drained(DemoMesh.Peer p) {
        Either<ConfigError, NodeStatus> status = Node.status(p.settings().core(), p.app());
        if (status.isLeft()) {
            throw new IllegalStateException("cannot read the status of node " + p.id() + ": " + status.getLeft());
        }
        NodeStatus s = status.get();
        return s.notYetSequenced() == 0 && s.heldBack() == 0 && s.peers().stream().allMatch(b -> b.changeSetsWaiting() == 0);
    }

    /** Reads what {@code db} holds in the sample tables. */
    static Contents read(DataSource db) throws SQLException {
        MessageDigest sha = sha256();
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (SampleSchema.Table t : SampleSchema.TABLES) {
                long n = 0;
                try (ResultSet rs = s.executeQuery("select " + String.join(", ", t.columns()) + " from " + t.name() + " order by id")) {
                    while (rs.next()) {
                        n++;
                        for (int i = 1; i <= t.columns().size(); i++) {
                            String v = rs.getString(i);
                            sha.update((v == null ? "\u0000null" : v).getBytes(StandardCharsets.UTF_8));
                            sha.update((byte) 31);
                        }
                        sha.update((byte) 30);
                    }
                }
                rows.put(t.name(), n);
                sha.update((byte) 29);
            }
        }
        return new Contents(rows, HexFormat.of().formatHex(sha.digest()).substring(0, 16));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
