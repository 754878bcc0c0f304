package dev.converge.node.bench;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.transport.InProcessTransport;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The same workload on fresh databases: without Converge (the database's own write rate) and with capture installed,
 * three times each (the medians are reported), then end to end — captured at A, shipped to B and applied there
 * until B holds what A holds. The workload is {@code rows} inserts, {@code rows} updates and {@code rows/2} deletes in transactions of {@code txRows} rows,
 * each a single set-based statement (what a batch job does).
 */
public final class ReplicationBenchmark {
    private static final String TABLE = "CREATE TABLE bench (id INT PRIMARY KEY, a INT, b VARCHAR(40), c NUMERIC(12,2))";

    private final Dialect dialect;
    private final int rows;
    private final int txRows;
    private final PrintStream out;

    public ReplicationBenchmark(Dialect dialect, int rows, int txRows, PrintStream out) {
        if (rows < txRows || txRows < 1 || rows % txRows != 0) {
            throw new IllegalArgumentException("--rows must be a positive multiple of --tx-rows");
        }
        this.dialect = dialect;
        this.rows = rows;
        this.txRows = txRows;
        this.out = out;
    }

    public void run() throws SQLException {
        DataSource warm = fresh("warm");
        workload(warm);
        long changes = rows + rows + rows / 2;
        out.printf(Locale.ROOT, "workload: %,d row changes in %,d-row transactions on %s%n", changes, txRows, describe(warm));
        // raw and captured runs alternate, each on a fresh database, and the median of each counts: one run of either
        // moves by a third from one try to the next on a shared machine
        double[] raws = new double[RUNS];
        double[] captures = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            raws[i] = seconds(() -> workload(fresh("raw")));
            DataSource captured = fresh("cap");
            install(captured, "A", "B");
            captures[i] = seconds(() -> workload(captured));
        }
        double raw = median(raws);
        double capture = median(captures);
        report("raw write", raw, raw);
        report("with capture", capture, raw);
        DataSource a = fresh("a");
        DataSource b = fresh("b");
        Node nodeA = install(a, "A", "B");
        Node nodeB = install(b, "B", "A");
        InProcessTransport transport = new InProcessTransport().register(nodeA).register(nodeB);
        long t0 = System.nanoTime();
        workload(a);
        double written = (System.nanoTime() - t0) / 1e9;
        int shipped = nodeA.deliverTo(NodeId.of("B"), transport);
        double endToEnd = (System.nanoTime() - t0) / 1e9;
        if (!nodeA.replicatedRows().equals(nodeB.replicatedRows())) {
            throw new IllegalStateException("B does not hold what A holds after delivery: the benchmark is void");
        }
        report("end to end A -> B", endToEnd, raw);
        out.printf(Locale.ROOT, "  (write with capture %.2f s, then ship and apply %,d ChangeSets %.2f s = %,.0f row changes/s)%n",
            written, shipped, endToEnd - written, changes / (endToEnd - written));
    }

    /** How many times the raw and the captured workload run; the median of each is reported. */
    static final int RUNS = 3;

    private static double median(double[] runs) {
        double[] sorted = runs.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private void report(String what, double seconds, double raw) {
        out.printf(Locale.ROOT, "%-22s %8.2f s  %6.2fx raw%n", what, seconds, seconds / raw);
    }

    private DataSource fresh(String name) throws SQLException {
        DataSource db = dev.converge.specs.run.DatabaseFactory.scratch().create(dialect, "bench_" + name);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(TABLE);
        }
        return db;
    }

    private static Node install(DataSource db, String self, String peer) {
        return Node.open(NodeConfig.builder(self).peer(peer).table("bench").build(), db, TimeSource.system());
    }

    private void workload(DataSource db) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ins = c.prepareStatement(
                 "INSERT INTO bench SELECT x, x, CONCAT('name ', x), x / 100.0 FROM SYSTEM_RANGE(?, ?) r(x)".replace(
                     "SYSTEM_RANGE(?, ?) r(x)", range()));
             PreparedStatement upd = c.prepareStatement("UPDATE bench SET a = a + 1 WHERE id BETWEEN ? AND ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM bench WHERE id BETWEEN ? AND ?")) {
            c.setAutoCommit(false);
            for (int from = 1; from <= rows; from += txRows) {
                run(c, ins, from);
            }
            for (int from = 1; from <= rows; from += txRows) {
                run(c, upd, from);
            }
            for (int from = 1; from <= rows / 2; from += txRows) {
                run(c, del, from);
            }
        }
    }

    private String range() {
        return dialect == Dialect.POSTGRESQL ? "generate_series(?::int, ?::int) r(x)" : "SYSTEM_RANGE(?, ?) r(x)";
    }

    private void run(Connection c, PreparedStatement ps, int from) throws SQLException {
        ps.setInt(1, from);
        ps.setInt(2, Math.min(from + txRows - 1, rows));
        ps.execute();
        c.commit();
    }

    private String describe(DataSource db) throws SQLException {
        try (Connection c = db.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            if (dialect != Dialect.POSTGRESQL) {
                return product + " (in memory)";
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
                rs.next();
                return product + " (fsync " + rs.getString(1) + ", synchronous_commit " + rs.getString(2) + ")";
            }
        }
    }

    private interface Timed {
        void run() throws SQLException;
    }

    private static double seconds(Timed work) throws SQLException {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
