package dev.converge.node.bench;

import dev.converge.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * Workload W: {@code rows} inserts, {@code rows} updates and {@code rows/2} deletes in transactions of {@code txRows}
 * rows, each a single set-based statement (what a batch job does), on table {@code bench}. A second writer may run a
 * share of W's transactions on another peer at the same time, with other values ({@link #share}): the same rows
 * written on both peers at once, which is what the conflict-rate option measures.
 */
final class Workload {
    static final String TABLE = "CREATE TABLE bench (id INT PRIMARY KEY, a INT, b VARCHAR(40), c NUMERIC(12,2))";
    static final List<Fingerprint.Table> TABLES = List.of(new Fingerprint.Table("bench", "id"));

    /** Runs after each commit; {@code kind} is 0 insert, 1 update, 2 delete, {@code nanos} the time from the statement's start. */
    interface AfterCommit {
        void committed(int kind, long startNanos) throws SQLException;
    }

    private final Dialect dialect;
    private final int rows;
    private final int txRows;
    /** Every {@code step}-th transaction is written; 1 for all of W. */
    private final int step;
    /** 0 for W itself, 1 for the second writer's values. */
    private final int variant;

    Workload(Dialect dialect, int rows, int txRows) {
        this(dialect, rows, txRows, 1, 0);
    }

    private Workload(Dialect dialect, int rows, int txRows, int step, int variant) {
        if (rows < txRows || txRows < 1 || rows % txRows != 0) {
            throw new IllegalArgumentException("--rows must be a positive multiple of --tx-rows");
        }
        this.dialect = dialect;
        this.rows = rows;
        this.txRows = txRows;
        this.step = step;
        this.variant = variant;
    }

    /**
     * The second writer's part: about {@code percent} % of W's transactions (every n-th one), the same rows with other
     * values, so each of them conflicts with W's transaction on the same rows.
     */
    Workload share(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("--conflicts must be a percentage from 1 to 100");
        }
        return new Workload(dialect, rows, txRows, Math.max(1, Math.round(100f / percent)), 1);
    }

    /** Row changes in W (the second writer's share adds its own). */
    long changes() {
        return rows + rows + rows / 2;
    }

    /**
     * Whether W's last transaction has reached the database behind {@code c}, by two rows: the last row it deletes is
     * gone and the row after it holds its updated value. A replica that applies the origin's transactions in commit
     * order then holds every earlier one too; {@link CaughtUp} confirms by the whole table. W itself only (not a share).
     */
    boolean lastArrived(Connection c) throws SQLException {
        if (step != 1 || variant != 0) {
            throw new IllegalStateException("only W itself ends with a known last transaction");
        }
        int lastDeleted = rows / 2; // 0: no deletes (one row)
        int next = lastDeleted + 1; // inserted with a = id, updated by + 1, never deleted
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT (SELECT count(*) FROM bench WHERE id = ?), (SELECT count(*) FROM bench WHERE id = ? AND a = ?)")) {
            ps.setInt(1, lastDeleted);
            ps.setInt(2, next);
            ps.setInt(3, next + 1);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0 && rs.getLong(2) == 1;
            }
        }
    }

    int txRows() {
        return txRows;
    }

    static void createTable(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(TABLE);
        }
    }

    void run(DataSource db) throws SQLException {
        run(db, null);
    }

    void run(DataSource db, AfterCommit after) throws SQLException {
        String range = dialect == Dialect.POSTGRESQL ? "generate_series(?::int, ?::int) r(x)" : "SYSTEM_RANGE(?, ?) r(x)";
        try (Connection c = db.getConnection();
             PreparedStatement ins = c.prepareStatement(
                 "INSERT INTO bench SELECT x, x * " + (variant + 1) + ", CONCAT('" + (variant == 0 ? "name " : "other ")
                     + "', x), x / 100.0 FROM " + range);
             PreparedStatement upd = c.prepareStatement("UPDATE bench SET a = a + " + (variant + 1) + " WHERE id BETWEEN ? AND ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM bench WHERE id BETWEEN ? AND ?")) {
            c.setAutoCommit(false);
            PreparedStatement[] statements = {ins, upd, del};
            int tx = 0;
            for (int kind = 0; kind < statements.length; kind++) {
                int last = kind == 2 ? rows / 2 : rows;
                for (int from = 1; from <= last; from += txRows, tx++) {
                    if (tx % step != 0) {
                        continue;
                    }
                    long start = System.nanoTime();
                    statements[kind].setInt(1, from);
                    statements[kind].setInt(2, Math.min(from + txRows - 1, last));
                    // a row an applying peer holds can make the statement wait past H2's lock timeout: a batch job
                    // rolls back and tries again, as an application would
                    PreparedStatement statement = statements[kind];
                    TpcB.retrying(c, () -> {
                        statement.execute();
                        c.commit();
                    }, state -> { });
                    if (after != null) {
                        after.committed(kind, start);
                    }
                }
            }
        }
    }
}
