package dev.converge.node.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a database holds in the benchmark's tables, as a row count and a digest of every row read in key order. Two
 * databases hold the same rows exactly when their fingerprints are equal; the benchmark compares them after every
 * run, so a figure from a run that did not converge is never printed.
 *
 * @param rows how many rows the tables hold together
 * @param digest SHA-256 of every column of every row, as the database renders it, in key order
 */
record Fingerprint(long rows, String digest) {
    /** A table and the columns it is ordered by (its primary key); names are the benchmark's own, never user input. */
    record Table(String name, String orderBy) {
    }

    static Fingerprint of(DataSource db, List<Table> tables) throws SQLException {
        MessageDigest sha = sha256();
        long rows = 0;
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (Table t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + t.name() + " ORDER BY " + t.orderBy())) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= columns; i++) {
                            String v = rs.getString(i);
                            sha.update((v == null ? "\u0000null" : v).getBytes(StandardCharsets.UTF_8));
                            sha.update((byte) 31);
                        }
                        sha.update((byte) 30);
                    }
                }
            }
        }
        return new Fingerprint(rows, HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * Fails loudly unless every database holds what the first holds.
     *
     * @throws NotConvergedException naming the run and the databases that differ
     */
    static Fingerprint requireSame(String run, List<String> names, List<DataSource> dbs, List<Table> tables) throws SQLException {
        Fingerprint first = of(dbs.get(0), tables);
        for (int i = 1; i < dbs.size(); i++) {
            Fingerprint other = of(dbs.get(i), tables);
            if (!other.equals(first)) {
                throw new NotConvergedException(run + ": " + names.get(i) + " does not hold what " + names.get(0)
                    + " holds (" + other.rows + " rows against " + first.rows + "); the run is void and no figure is printed");
            }
        }
        return first;
    }

    /** Whether every database holds what the first holds. */
    static boolean same(List<DataSource> dbs, List<Table> tables) throws SQLException {
        Fingerprint first = of(dbs.get(0), tables);
        for (int i = 1; i < dbs.size(); i++) {
            if (!of(dbs.get(i), tables).equals(first)) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The peers of a run differ after it ended: the benchmark stops rather than print a figure. */
    static final class NotConvergedException extends IllegalStateException {
        NotConvergedException(String message) {
            super(message);
        }
    }
}
