package dev.converge.node.bench;

import dev.converge.Node;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerLinks;
import dev.converge.scratch.PostgresServer;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;

/**
 * Workload W ({@link Workload}) on fresh databases, {@code runs} times after warm-up runs end to end on about a
 * fifth of W, not counted, until the JIT compiler settled (see {@link #warmUp}), reporting medians: without Converge (the
 * database's own write rate), with capture installed, end to end from A to B as a running node replicates (its
 * sender and apply threads at work while W is written, timed from the start of W until B holds what A
 * holds: what native logical replication's time measures too), the same split into its stages by a run that does one
 * stage after the other (written, sequenced, then shipped), and — with {@code compareNative} on PostgreSQL — through
 * PostgreSQL's own logical replication in the same run. With {@code conflicts} % a second writer on B writes that share of W's
 * transactions at the same time, and delivery goes both ways. Every end-to-end run compares the peers' rows; a run
 * that did not converge stops the benchmark. At the end, once, a steady run ships each transaction as it commits and
 * prints the time per ChangeSet in its first and last tenth: bookkeeping that grew with history would show there.
 */
public final class ReplicationBenchmark {
    /** Settings of one bulk benchmark; see {@code converge bench --help}. */
    public record Settings(Dialect dialect, int rows, int txRows, int runs, boolean compareNative, int conflicts) {
        public Settings {
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            if (conflicts < 0 || conflicts > 100) {
                throw new IllegalArgumentException("--conflicts must be a percentage from 0 to 100");
            }
            if (compareNative && dialect != Dialect.POSTGRESQL) {
                throw new IllegalArgumentException("--compare native needs --dialect postgresql: H2 has no logical replication");
            }
        }
    }

    private final Settings settings;
    private final Workload w;
    private final PrintStream out;

    public ReplicationBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.w = new Workload(settings.dialect(), settings.rows(), settings.txRows());
        this.out = out;
    }

    /** The figures of one end-to-end run, seconds. */
    private record EndToEnd(double total, double write, double sequence, double read, double ship, double apply,
                            long bytes, int changeSets, int conflicts) {
    }

    public void run() throws SQLException {
        DataSource warm = Peers.fresh(settings.dialect(), "warm", Workload::createTable);
        w.run(warm);
        out.println("machine: " + Machine.describe(settings.dialect(), warm));
        warmUp();
        out.printf(Locale.ROOT, "workload: %,d row changes in %,d-row transactions%s; medians of %d run%s%n", w.changes(),
            settings.txRows(), settings.conflicts() > 0 ? ", " + settings.conflicts() + " % of them also written on B at the same time" : "",
            settings.runs(), settings.runs() == 1 ? "" : "s");
        NativeReplication nativeRepl = nativeReplication();
        double[] raws = new double[settings.runs()];
        double[] captures = new double[settings.runs()];
        double[] natives = new double[settings.runs()];
        double[] running = new double[settings.runs()];
        List<EndToEnd> ends = new ArrayList<>();
        long jit0 = WarmUp.compilerMillis();
        long timed0 = System.nanoTime();
        // the kinds of run alternate within each round, each on fresh databases, and the medians count: one run of any
        // kind moves by a third from one try to the next on a shared machine
        for (int i = 0; i < settings.runs(); i++) {
            DataSource plain = Peers.fresh(settings.dialect(), "raw", Workload::createTable); // not timed: CREATE DATABASE
            raws[i] = seconds(() -> w.run(plain));
            try (Peers captured = Peers.mesh(settings.dialect(), "cap", 2, Workload::createTable, Workload.TABLES)) {
                captures[i] = seconds(() -> w.run(captured.dbs.get(0)));
            }
            running[i] = running(w);
            ends.add(endToEnd(w));
            if (nativeRepl != null) {
                natives[i] = nativeRepl.run(w);
            }
        }
        out.printf(Locale.ROOT, "the JIT compiler took %.1f s during the %.0f s of timed runs%n", (WarmUp.compilerMillis() - jit0) / 1e3,
            (System.nanoTime() - timed0) / 1e9);
        double raw = Stats.median(raws);
        report("raw write", raw, raw);
        report("with capture", Stats.median(captures), raw);
        double total = Stats.median(running);
        report(settings.conflicts() > 0 ? "end to end A <-> B" : "end to end A -> B", total, raw);
        if (nativeRepl != null) {
            double nat = Stats.median(natives);
            report("native logical repl.", nat, raw);
            out.printf(Locale.ROOT, "Converge / native      %8.2fx  (native: one way, start of W -> subscriber caught up%s)%n",
                total / nat, settings.conflicts() > 0 ? ", W without the concurrent share" : "");
        }
        stages(ends, raw, Stats.median(captures), total);
        if (settings.conflicts() == 0) {
            steady(raw);
        }
    }

    /**
     * Runs end to end on about a fifth of W before anything is timed, until the JIT compiler has settled
     * ({@link WarmUp}). Native replication's server is warm already: the benchmark's first write warmed it.
     */
    private void warmUp() throws SQLException {
        // whole transactions of W's size: a fifth of its rows, rounded down, one transaction at least
        int rows = Math.max(1, settings.rows() / 5 / settings.txRows()) * settings.txRows();
        Workload fifth = new Workload(settings.dialect(), rows, settings.txRows());
        out.println(WarmUp.until(String.format(Locale.ROOT, "%,d row changes end to end", fifth.changes()), WARM_ROUNDS, () -> {
            double seconds = running(fifth);
            endToEnd(fifth);
            return String.format(Locale.ROOT, "%.2f s", seconds);
        }));
    }

    /** At most this many warm-up rounds (see {@link #warmUp}). */
    private static final int WARM_ROUNDS = 6;

    private NativeReplication nativeReplication() throws SQLException {
        if (!settings.compareNative()) {
            return null;
        }
        try {
            return NativeReplication.on(PostgresServer.shared());
        } catch (UnsupportedOperationException e) {
            out.println("NOTE: " + e.getMessage() + "; only Converge's figures follow.");
            return null;
        }
    }

    private void stages(List<EndToEnd> ends, double raw, double capture, double running) {
        out.printf(Locale.ROOT, "stages, one after the other (medians; capture's own cost is with capture - raw = %.2f s):%n", capture - raw);
        out.printf(Locale.ROOT, "  %-34s %8.2f s%n", "write with capture", median(ends, EndToEnd::write));
        out.printf(Locale.ROOT, "  %-34s %8.2f s%n", "sequencing", median(ends, EndToEnd::sequence));
        out.printf(Locale.ROOT, "  %-34s %8.2f s%n", "reading for the peer, acknowledging", median(ends, EndToEnd::read));
        out.printf(Locale.ROOT, "  %-34s %8.2f s  (%,.1f MB of JSON)%n", "shipping (encode + decode JSON)",
            median(ends, EndToEnd::ship), median(ends, e -> e.bytes() / 1e6));
        double apply = median(ends, EndToEnd::apply);
        out.printf(Locale.ROOT, "  %-34s %8.2f s  (%,.0f row changes/s)%n", "applying (receiver)", apply,
            (w.changes() + shareChanges()) / apply);
        out.printf(Locale.ROOT, "  ChangeSets shipped %,.0f, conflicts recorded %,.0f%n", median(ends, EndToEnd::changeSets),
            median(ends, EndToEnd::conflicts));
        out.printf(Locale.ROOT, "  the stages one after the other took %.2f s end to end (%.2fx raw); running at once, as above: %.2f s%n",
            median(ends, EndToEnd::total), median(ends, EndToEnd::total) / raw, running);
    }

    private long shareChanges() {
        return settings.conflicts() == 0 ? 0 : w.changes() * settings.conflicts() / 100;
    }

    private interface Figure {
        double of(EndToEnd e);
    }

    private static double median(List<EndToEnd> ends, Figure figure) {
        return Stats.median(ends.stream().mapToDouble(figure::of).toArray());
    }

    /**
     * End to end as {@code converge run} replicates, on fresh peers: every node's links run ({@link PeerLinks}: a
     * sender per peer and an apply thread, over the in-process transport) while {@code w} is written at A (and
     * its share at B); timed from the start of {@code w} until B holds what A holds.
     */
    private double running(Workload w) throws SQLException {
        int n = 2;
        try (Peers p = Peers.mesh(settings.dialect(), "run", n, Workload::createTable, Workload.TABLES)) {
            List<PeerLinks> links = p.links(p.transport);
            try {
                long t0 = System.nanoTime();
                CompletableFuture<Void> second = settings.conflicts() == 0 ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> unchecked(() -> w.share(settings.conflicts()).run(p.dbs.get(1))));
                w.run(p.dbs.get(0));
                join(second);
                if (settings.conflicts() == 0) {
                    CaughtUp.await(p.dbs.get(1), w, CaughtUp.Target.of(p.dbs.get(0)), CATCH_UP, "end to end, running");
                } else {
                    awaitSame(p, t0);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                Fingerprint.requireSame("end to end, running", p.names, p.dbs, Workload.TABLES);
                return seconds;
            } finally {
                links.forEach(PeerLinks::close);
            }
        }
    }

    /** A running end to end that has not caught up after this long is broken, not slow. */
    private static final java.time.Duration CATCH_UP = java.time.Duration.ofMinutes(15);

    /**
     * How often a running end to end in which both peers wrote looks whether they hold the same rows: a look reads both
     * tables whole (in the JVM, on H2), so looking every millisecond would take a CPU from the replication it times; the
     * figure errs late by at most this.
     */
    private static final long POLL_NANOS = 50_000_000;

    /**
     * Polls until both peers hold the same rows (both wrote: no single last transaction to look for). Each look reads
     * both tables whole, so it comes every {@link #POLL_NANOS}. No look sequences: a look that did would take the
     * sequencer from a sender and hold it for the whole backlog, timing the poll instead of the replication.
     */
    private static void awaitSame(Peers p, long since) throws SQLException {
        while (!Fingerprint.same(p.dbs, Workload.TABLES)) {
            if (System.nanoTime() - since > CATCH_UP.toNanos()) {
                throw new Fingerprint.NotConvergedException("end to end, running: the peers did not catch up within 15 minutes; the run is void");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * One end-to-end run on fresh peers: {@code w} written at A (and its share at B at the same time), then every peer's
     * queue sequenced ({@code outboundFor} with limit 0 sequences and reads nothing) and delivered until no peer has
     * anything left; the transport splits each delivery into the sender's part, the wire and the receiver's part.
     */
    private EndToEnd endToEnd(Workload w) throws SQLException {
        int n = 2;
        try (Peers p = Peers.mesh(settings.dialect(), "e2e", n, Workload::createTable, Workload.TABLES)) {
            TimingTransport transport = new TimingTransport(p.transport);
            long t0 = System.nanoTime();
            CompletableFuture<Void> second = settings.conflicts() == 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> unchecked(() -> w.share(settings.conflicts()).run(p.dbs.get(1))));
            w.run(p.dbs.get(0));
            join(second);
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.node(i).outboundFor(p.id((i + 1) % n), 0);
            }
            long t2 = System.nanoTime();
            int shipped = 0;
            for (int sent = -1; sent != 0; ) {
                sent = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (i != j) {
                            sent += p.node(i).deliverTo(p.id(j), transport);
                        }
                    }
                }
                shipped += sent;
            }
            long t3 = System.nanoTime();
            Fingerprint.requireSame("end to end", p.names, p.dbs, Workload.TABLES);
            int conflicts = p.nodes.stream().mapToInt(node -> node.conflicts().size()).sum();
            double deliver = (t3 - t2) / 1e9;
            return new EndToEnd((t3 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                deliver - transport.shipSeconds() - transport.applySeconds(), transport.shipSeconds(), transport.applySeconds(),
                transport.bytes(), shipped, conflicts);
        }
    }

    /**
     * End to end again on fresh databases, each transaction shipped to B (and acknowledged) as soon as A committed it;
     * prints the whole run and the time per ChangeSet in the first and the last tenth of it, and per kind of statement
     * (the run goes inserts, updates, deletes, so its first and last tenths also differ in kind).
     */
    private void steady(double raw) throws SQLException {
        List<long[]> perTx = new ArrayList<>(); // {kind, nanoseconds}
        try (Peers p = Peers.mesh(settings.dialect(), "steady", 2, Workload::createTable, Workload.TABLES)) {
            Node a = p.node(0);
            NodeId b = p.id(1);
            long t0 = System.nanoTime();
            w.run(p.dbs.get(0), (kind, start) -> {
                a.deliverTo(b, p.transport);
                perTx.add(new long[] {kind, System.nanoTime() - start});
            });
            double total = (System.nanoTime() - t0) / 1e9;
            Fingerprint.requireSame("steady", p.names, p.dbs, Workload.TABLES);
            report("steady A -> B (1 run)", total, raw);
        }
        int n = perTx.size();
        int tenth = Math.max(1, n / 10);
        double first = meanMillis(perTx.subList(0, tenth));
        double last = meanMillis(perTx.subList(n - tenth, n));
        out.printf(Locale.ROOT, "  per %,d-row ChangeSet (write, ship, apply): first tenth %.1f ms, last tenth %.1f ms (%.2fx)%n",
            settings.txRows(), first, last, last / first);
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

    private void report(String what, double seconds, double raw) {
        out.printf(Locale.ROOT, "%-22s %8.2f s  %6.2fx raw%n", what, seconds, seconds / raw);
    }

    interface SqlWork {
        void run() throws SQLException;
    }

    private static double seconds(SqlWork work) throws SQLException {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static void unchecked(SqlWork work) {
        try {
            work.run();
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    /** Waits for a writer thread; its failure fails the run. */
    static void join(CompletableFuture<?> f) throws SQLException {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
