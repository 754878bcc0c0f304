package dev.converge.node.bench;

import dev.converge.Node;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Lag at a steady write rate: A commits a transaction of {@code txRows} inserted rows at fixed times (open loop: a
 * late commit does not push the next one back), while a delivery thread of its own ships to B as a real peer does.
 * Lag is from a transaction's commit at A to the moment B's {@code receive} returned with it applied. Each
 * transaction inserts a block of ids of its own, so the ChangeSet's first key tells which transaction it is.
 */
public final class RateBenchmark {
    /** Settings of the steady-rate benchmark; see {@code converge bench --help}. */
    public record Settings(Dialect dialect, int rate, int txRows, int seconds, int runs) {
        public Settings {
            if (rate < 1 || txRows < 1 || seconds < 1 || runs < 1) {
                throw new IllegalArgumentException("--rate, --tx-rows, --seconds and --runs must be at least 1");
            }
        }
    }

    private final Settings s;
    private final PrintStream out;

    public RateBenchmark(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    private record Run(double p50, double p99, double max, double achieved) {
    }

    public void run() throws SQLException {
        int txs = (int) Math.max(1, (long) s.rate() * s.seconds() / s.txRows());
        DataSource probe = Peers.fresh(s.dialect(), "rate_probe", Workload::createTable);
        out.println("machine: " + Machine.describe(s.dialect(), probe));
        out.printf(Locale.ROOT, "steady rate: %,d row changes/s (%,.1f transactions/s of %,d inserted rows) for %d s at A,"
            + " delivered to B by its own thread; medians of %d run%s%n", s.rate(), (double) s.rate() / s.txRows(), s.txRows(),
            s.seconds(), s.runs(), s.runs() == 1 ? "" : "s");
        double[][] figures = new double[4][s.runs()];
        for (int i = 0; i < s.runs(); i++) {
            Run r = once(txs);
            figures[0][i] = r.p50();
            figures[1][i] = r.p99();
            figures[2][i] = r.max();
            figures[3][i] = r.achieved();
        }
        out.printf(Locale.ROOT, "lag commit at A -> applied at B: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            Stats.median(figures[0]), Stats.median(figures[1]), Stats.median(figures[2]));
        out.printf(Locale.ROOT, "  written at %,.0f row changes/s (asked %,d)%n", Stats.median(figures[3]), s.rate());
    }

    private Run once(int txs) throws SQLException {
        try (Peers p = Peers.mesh(s.dialect(), "rate", 2, Workload::createTable, Workload.TABLES)) {
            AtomicLongArray committed = new AtomicLongArray(txs);
            AtomicLongArray applied = new AtomicLongArray(txs);
            TimingTransport transport = new TimingTransport(p.transport, (batch, receipt, at) -> {
                for (ChangeSet cs : batch) {
                    if (cs.sequence() <= receipt.storedThrough() && !cs.changes().isEmpty()) {
                        Object id = cs.changes().get(0).key().values().values().iterator().next();
                        applied.compareAndSet((((Number) id).intValue() - 1) / s.txRows(), 0, at);
                    }
                }
            });
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Void> delivery = CompletableFuture.runAsync(() -> deliver(p.node(0), p.id(1), transport, writing));
            long t0 = System.nanoTime();
            try {
                write(p.dbs.get(0), txs, t0, committed);
            } finally {
                writing.set(false);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            ReplicationBenchmark.join(delivery);
            Fingerprint.requireSame("steady rate", p.names, p.dbs, Workload.TABLES);
            double[] lags = new double[txs];
            for (int i = 0; i < txs; i++) {
                if (applied.get(i) == 0) {
                    throw new IllegalStateException("steady rate: transaction " + i + " was never seen applied at B; the run is void");
                }
                lags[i] = Math.max(0, applied.get(i) - committed.get(i)) / 1e6;
            }
            return new Run(Stats.percentile(lags, 50), Stats.percentile(lags, 99), Stats.max(lags), (double) txs * s.txRows() / elapsed);
        }
    }

    /** Transaction {@code i} is due at {@code t0 + i * interval}; a late one goes at once, the next keeps its time. */
    private void write(DataSource db, int txs, long t0, AtomicLongArray committed) throws SQLException {
        long interval = (long) (1e9 * s.txRows() / s.rate());
        String range = s.dialect() == Dialect.POSTGRESQL ? "generate_series(?::int, ?::int) r(x)" : "SYSTEM_RANGE(?, ?) r(x)";
        try (Connection c = db.getConnection();
             PreparedStatement ins = c.prepareStatement("INSERT INTO bench SELECT x, x, CONCAT('name ', x), x / 100.0 FROM " + range)) {
            c.setAutoCommit(false);
            for (int i = 0; i < txs; i++) {
                long due = t0 + i * interval;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                ins.setInt(1, i * s.txRows() + 1);
                ins.setInt(2, (i + 1) * s.txRows());
                ins.execute();
                c.commit();
                committed.set(i, System.nanoTime());
            }
        }
    }

    /** A peer's delivery loop: ships whatever is there, idles a millisecond when nothing was, ends once all is shipped. */
    private static void deliver(Node from, NodeId to, TimingTransport transport, AtomicBoolean writing) {
        while (true) {
            boolean last = !writing.get(); // read before delivering: a delivery begun after the last commit ships it
            if (from.deliverTo(to, transport) == 0) {
                if (last) {
                    return;
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }
}
