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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The same workload on fresh databases: without Converge (the database's own write rate) and with capture installed,
 * three times each (the medians are reported), then end to end — captured at A, shipped to B and applied there
 * until B holds what A holds — twice: all written first and then shipped (the bulk figure), and steadily, each
 * transaction shipped as soon as it committed. The steady run prints the time per ChangeSet (write, ship, apply,
 * acknowledge, purge) in its first and last tenth: bookkeeping that grew with history would show as a later tenth
 * slower than the first. The workload is {@code rows} inserts, {@code rows} updates and {@code rows/2} deletes in
 * transactions of {@code txRows} rows, each a single set-based statement (what a batch job does).
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
        steady(raw);
    }

    /**
     * End to end again on fresh databases, each transaction shipped to B (and acknowledged) as soon as A committed it;
     * prints the whole run and the time per ChangeSet in the first and the last tenth of it, and per kind of statement
     * (the run goes inserts, updates, deletes, so its first and last tenths also differ in kind).
     */
    private void steady(double raw) throws SQLException {
        DataSource a = fresh("sa");
        DataSource b = fresh("sb");
        Node nodeA = install(a, "A", "B");
        Node nodeB = install(b, "B", "A");
        InProcessTransport transport = new InProcessTransport().register(nodeA).register(nodeB);
        List<long[]> perTx = new ArrayList<>(); // {kind, nanoseconds}
        long t0 = System.nanoTime();
        workload(a, () -> nodeA.deliverTo(NodeId.of("B"), transport), (kind, nanos) -> perTx.add(new long[] {kind, nanos}));
        double total = (System.nanoTime() - t0) / 1e9;
        if (!nodeA.replicatedRows().equals(nodeB.replicatedRows())) {
            throw new IllegalStateException("B does not hold what A holds after the steady run: the benchmark is void");
        }
        report("steady A -> B", total, raw);
        int n = perTx.size();
        int tenth = Math.max(1, n / 10);
        double first = meanMillis(perTx.subList(0, tenth));
        double last = meanMillis(perTx.subList(n - tenth, n));
        out.printf(Locale.ROOT, "  per %,d-row ChangeSet (write, ship, apply): first tenth %.1f ms, last tenth %.1f ms (%.2fx)%n",
            txRows, first, last, last / first);
        String[] kinds = {"insert", "update", "delete"};
        for (int k = 0; k < kinds.length; k++) {
            int kind = k;
            List<long[]> ofKind = perTx.stream().filter(x -> x[0] == kind).toList();
            int t = Math.max(1, ofKind.size() / 10);
            double f = meanMillis(ofKind.subList(0, t));
            double l = meanMillis(ofKind.subList(ofKind.size() - t, ofKind.size()));
            out.printf(Locale.ROOT, "    %-6s first tenth %.1f ms, last tenth %.1f ms (%.2fx)%n", kinds[k], f, l, l / f);
        }
    }

    private static double meanMillis(List<long[]> timings) {
        return timings.stream().mapToLong(x -> x[1]).average().orElse(0) / 1e6;
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
        workload(db, null, null);
    }

    /** Runs after each commit, if given; {@code timed} then gets the time from the statement's start (kind 0 insert, 1 update, 2 delete). */
    private interface AfterCommit {
        void run() throws SQLException;
    }

    private interface Timing {
        void record(int kind, long nanos);
    }

    private void workload(DataSource db, AfterCommit after, Timing timed) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ins = c.prepareStatement(
                 "INSERT INTO bench SELECT x, x, CONCAT('name ', x), x / 100.0 FROM SYSTEM_RANGE(?, ?) r(x)".replace(
                     "SYSTEM_RANGE(?, ?) r(x)", range()));
             PreparedStatement upd = c.prepareStatement("UPDATE bench SET a = a + 1 WHERE id BETWEEN ? AND ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM bench WHERE id BETWEEN ? AND ?")) {
            c.setAutoCommit(false);
            PreparedStatement[] statements = {ins, upd, del};
            for (int kind = 0; kind < statements.length; kind++) {
                int last = kind == 2 ? rows / 2 : rows;
                for (int from = 1; from <= last; from += txRows) {
                    long start = System.nanoTime();
                    run(c, statements[kind], from);
                    if (after != null) {
                        after.run();
                        timed.record(kind, System.nanoTime() - start);
                    }
                }
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
