package dev.converge.node.bench;

import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerLinks;
import dev.converge.scratch.PostgresServer;
import dev.converge.transport.Transport;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Many small transactions on several peers at once ({@link TpcB}, like pgbench at scale 1): {@code clients}
 * connections per peer run for {@code seconds}, first on databases without Converge, then on a mesh whose nodes
 * replicate as a running node does ({@link PeerLinks}) while the clients write, and with {@code compareNative} a third
 * time on databases linked by PostgreSQL's own logical replication ({@link NativeReplication#mesh}). Prints each
 * peer's commit rates, and the time from the last commit until every peer holds the same rows (native: every history
 * row; its balances may differ). Lag is measured for Converge only.
 */
public final class OltpBenchmark {
    /** Settings of the OLTP benchmark; see {@code converge bench --help}. */
    public record Settings(Dialect dialect, int peers, int clients, int seconds, int accounts, int runs, int txRate, boolean foreignKeys,
                           boolean compareNative) {
        public Settings {
            if (compareNative && dialect != Dialect.POSTGRESQL) {
                throw new IllegalArgumentException("--compare native needs --dialect postgresql: H2 has no logical replication");
            }
            if (peers < 2 || clients < 1 || seconds < 1 || accounts < 1 || runs < 1) {
                throw new IllegalArgumentException("--peers must be at least 2; --clients, --seconds, --accounts and --runs at least 1");
            }
            if (txRate < 0) {
                throw new IllegalArgumentException("--tx-rate must be a number of transactions per second per peer, or 0 for as fast as"
                    + " the clients can");
            }
        }

        /** As fast as the clients can (no fixed rate). */
        public Settings(Dialect dialect, int peers, int clients, int seconds, int accounts, int runs) {
            this(dialect, peers, clients, seconds, accounts, runs, 0, false, false);
        }
    }

    /** How long the peers may take to converge after the last commit before the run is declared broken. */
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(15);

    private final Settings s;
    private final PrintStream out;

    public OltpBenchmark(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    public void run() throws SQLException {
        Peers.Schema schema = TpcB.schema(s.dialect(), s.accounts(), s.foreignKeys());
        DataSource probe = Peers.fresh(s.dialect(), "oltp_probe", db -> { });
        out.println("machine: " + Machine.describe(s.dialect(), probe));
        out.printf(Locale.ROOT, "oltp: TPC-B-like (4 row changes, one hot branch row%s), %d peers x %d clients, %d s, %,d accounts,"
            + " %s; medians of %d run%s%n", s.foreignKeys() ? ", pgbench's foreign keys" : "", s.peers(), s.clients(), s.seconds(), s.accounts(),
            s.txRate() == 0 ? "as fast as the clients can" : String.format(Locale.ROOT, "%,d tx/s per peer (open loop, as pgbench -R)",
                s.txRate()), s.runs(), s.runs() == 1 ? "" : "s");
        double[][] raw = new double[s.peers()][s.runs()];
        double[][] captured = new double[s.peers()][s.runs()];
        double[][] with = new double[s.peers()][s.runs()];
        double[] drain = new double[s.runs()];
        double[] conflicts = new double[s.runs()];
        double[][] lag = new double[3][s.runs()];
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedRaw = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedCapture = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedWith = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedNative = new java.util.concurrent.ConcurrentSkipListMap<>();
        NativeReplication nativeRepl = nativeReplication();
        warmUp(schema);
        double[][] natives = new double[s.peers()][s.runs()];
        double[] nativeDrain = new double[s.runs()];
        int nativeDiverged = 0;
        for (int run = 0; run < s.runs(); run++) {
            double[] r = clients(Peers.databases(s.dialect(), "oltp_raw", s.peers(), schema), (hid, at) -> { }, failedRaw, s.seconds())
                .perSecond();
            double[] c = captureOnly(schema, failedCapture);
            try (Peers mesh = Peers.mesh(s.dialect(), "oltp", s.peers(), schema, TpcB.TABLES)) {
                Replicated replicated = replicated(mesh, failedWith, s.seconds());
                for (int i = 0; i < s.peers(); i++) {
                    raw[i][run] = r[i];
                    captured[i][run] = c[i];
                    with[i][run] = replicated.rates[i];
                }
                drain[run] = replicated.drainSeconds;
                if (replicated.lagMillis.length > 0) {
                    lag[0][run] = Stats.percentile(replicated.lagMillis, 50);
                    lag[1][run] = Stats.percentile(replicated.lagMillis, 99);
                    lag[2][run] = Stats.max(replicated.lagMillis);
                }
                conflicts[run] = mesh.nodes.stream().mapToInt(n -> n.conflicts().size()).sum();
            }
            if (nativeRepl != null) {
                Native n = nativeRun(nativeRepl, schema, failedNative);
                for (int i = 0; i < s.peers(); i++) {
                    natives[i][run] = n.rates()[i];
                }
                nativeDrain[run] = n.drainSeconds();
                nativeDiverged += n.diverged() ? 1 : 0;
            }
        }
        for (int i = 0; i < s.peers(); i++) {
            double a = Stats.median(raw[i]);
            double k = Stats.median(captured[i]);
            double b = Stats.median(with[i]);
            out.printf(Locale.ROOT, "peer %c: %,8.0f tx/s without Converge, %,8.0f with capture only (%.0f %%), %,8.0f with Converge (%.0f %%)",
                'A' + i, a, k, 100 * medianShare(captured[i], raw[i]), b, 100 * medianShare(with[i], raw[i]));
            if (nativeRepl != null) {
                double c = Stats.median(natives[i]);
                out.printf(Locale.ROOT, ", %,8.0f tx/s with native logical replication (%.0f %%)", c, 100 * medianShare(natives[i], raw[i]));
            }
            out.println();
        }
        out.println("(rates: medians of the runs; each share: the median of every run's rate over the same run's rate without Converge)");
        out.printf(Locale.ROOT, "every peer holds everything %.2f s after the last commit (conflicts recorded: %,.0f)%n",
            Stats.median(drain), Stats.median(conflicts));
        if (nativeRepl != null) {
            out.printf(Locale.ROOT, "native: every peer holds every history row %.2f s after the last commit; balances differ between the"
                + " peers after %d of %d runs (native replication has no conflict handling: a row updated at two peers at once keeps"
                + " whichever update was applied last)%n", Stats.median(nativeDrain), nativeDiverged, s.runs());
        }
        out.printf(Locale.ROOT, "clients' tries that failed and were tried again, all runs: %s without Converge, %s with capture only, %s with"
            + "%s%n", failures(failedRaw), failures(failedCapture), failures(failedWith), nativeRepl == null ? "" : ", " + failures(failedNative) + " with native");
        if (s.txRate() > 0) {
            out.printf(Locale.ROOT, "lag commit at a peer -> applied at each other peer: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                Stats.median(lag[0]), Stats.median(lag[1]), Stats.median(lag[2]));
        }
    }

    /**
     * Runs the clients with Converge for a few seconds at a time before anything is timed, until the JIT compiler has
     * settled ({@link WarmUp}): in a cold JVM it took half a core throughout a 10-second run with Converge on a 2-core
     * machine, CPU the clients and the nodes then lacked. The databases without Converge and with native replication
     * need no warming beyond their server's, which every run shares. A run shorter than {@value #SHORT_SECONDS} s is
     * a try of the benchmark itself, not a measurement: it warms up for one second.
     */
    private void warmUp(Peers.Schema schema) throws SQLException {
        boolean shortRun = s.seconds() < SHORT_SECONDS;
        int seconds = shortRun ? 1 : Math.min(5, s.seconds() / 2);
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> ignored = new java.util.concurrent.ConcurrentHashMap<>();
        out.println(WarmUp.until(String.format(Locale.ROOT, "the clients with Converge for %d s", seconds), shortRun ? 1 : WARM_ROUNDS, () -> {
            try (Peers mesh = Peers.mesh(s.dialect(), "oltp_warm", s.peers(), schema, TpcB.TABLES)) {
                double[] rates = replicated(mesh, ignored, seconds).rates;
                return String.format(Locale.ROOT, "%,.0f tx/s a peer", java.util.Arrays.stream(rates).average().orElse(0));
            }
        }));
    }

    /** At most this many warm-up rounds (see {@link #warmUp}). */
    private static final int WARM_ROUNDS = 5;

    /** Runs shorter than this many seconds warm up once, for a second (see {@link #warmUp}). */
    private static final int SHORT_SECONDS = 5;

    private NativeReplication nativeReplication() throws SQLException {
        if (!s.compareNative()) {
            return null;
        }
        try {
            NativeReplication n = NativeReplication.on(PostgresServer.shared());
            n.requireMultiMaster(s.peers());
            return n;
        } catch (UnsupportedOperationException e) {
            out.println("NOTE: " + e.getMessage() + "; only Converge's figures follow.");
            return null;
        }
    }

    /** The commit rates on a native mesh, the time until every peer held every history row, and whether balances differ. */
    private record Native(double[] rates, double drainSeconds, boolean diverged) {
    }

    /**
     * The same clients on databases linked by native logical replication, each subscribed to every other
     * ({@link NativeReplication#mesh}); then waits until every peer holds every transaction's history row (its balances
     * need not agree: see {@link NativeReplication#mesh}).
     */
    private Native nativeRun(NativeReplication repl, Peers.Schema schema,
                             java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedTries) throws SQLException {
        try (NativeReplication.Mesh m = repl.mesh("oltp_native", s.peers(), schema, TpcB.TABLES, true)) {
            Rates r = clients(m.dbs(), (hid, at) -> { }, failedTries, s.seconds());
            long lastCommit = System.nanoTime();
            while (!everyHistoryRow(m.dbs(), r.commits())) {
                if (System.nanoTime() - lastCommit > DRAIN_LIMIT_NANOS) {
                    throw new IllegalStateException("oltp, native: a peer lacks history rows 15 minutes after the last commit; the run"
                        + " is void (see the server's log: an apply worker that stops on an error retries forever)");
                }
                LockSupport.parkNanos(5_000_000);
            }
            long held = System.nanoTime();
            return new Native(r.perSecond(), (held - lastCommit) / 1e9, !Fingerprint.same(m.dbs(), TpcB.TABLES));
        }
    }

    /** Whether every database holds {@code commits} history rows: one per transaction committed at any of them. */
    private static boolean everyHistoryRow(List<DataSource> dbs, long commits) throws SQLException {
        for (DataSource db : dbs) {
            try (java.sql.Connection c = db.getConnection(); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pgbench_history")) {
                rs.next();
                if (rs.getLong(1) != commits) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Failed tries by SQLSTATE, named where the bench knows it: {@code 1,204 (40P01 deadlock 1,200, 55P03 lock timeout 4)}. */
    static String failures(java.util.Map<String, java.util.concurrent.atomic.LongAdder> byState) {
        long total = byState.values().stream().mapToLong(java.util.concurrent.atomic.LongAdder::sum).sum();
        if (total == 0) {
            return "0";
        }
        java.util.Map<String, String> names = java.util.Map.of("40P01", "deadlock", "40001", "serialization failure", "55P03",
            "lock timeout", "HYT00", "lock timeout");
        return String.format(Locale.ROOT, "%,d (%s)", total, byState.entrySet().stream()
            .map(e -> e.getKey() + (names.containsKey(e.getKey()) ? " " + names.get(e.getKey()) : "")
                + String.format(Locale.ROOT, " %,d", e.getValue().sum()))
            .collect(java.util.stream.Collectors.joining(", ")));
    }

    /**
     * The median over the runs of {@code part[run] / whole[run]}: a share taken within each run, so that the machine's
     * speed drifting between runs (a third, minutes apart, on a shared 2-core machine) does not enter it, as it would
     * a ratio of two medians taken from different runs.
     */
    static double medianShare(double[] part, double[] whole) {
        double[] shares = new double[part.length];
        for (int run = 0; run < part.length; run++) {
            shares[run] = whole[run] == 0 ? 0 : part[run] / whole[run];
        }
        return Stats.median(shares);
    }

    /**
     * The clients on peers whose nodes capture but do not replicate (installed, no link, nothing sequenced or applied):
     * each database's commits per second. What capture alone costs the applications, split from what the rest of
     * replication costs them (applies holding hot rows, the nodes' CPU).
     */
    private double[] captureOnly(Peers.Schema schema, java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedTries)
        throws SQLException {
        try (Peers mesh = Peers.mesh(s.dialect(), "oltp_capture", s.peers(), schema, TpcB.TABLES)) {
            return clients(mesh.dbs, (hid, at) -> { }, failedTries, s.seconds()).perSecond();
        }
    }

    /** The commit rates with Converge, the time to converge after the last commit and, at a fixed rate, the lags. */
    private record Replicated(double[] rates, double drainSeconds, double[] lagMillis) {
    }

    /** Told of every commit: the transaction's history key and when it committed. */
    private interface Commits {
        void committed(String hid, long nanoTime);
    }

    /**
     * The clients on a mesh whose nodes replicate as {@code converge run} does ({@link PeerLinks}: a sending thread per
     * link and an applying thread per node, over the in-process transport); then waits until every
     * peer holds the same rows.
     */
    private Replicated replicated(Peers mesh, java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedTries, int seconds)
        throws SQLException {
        boolean timed = s.txRate() > 0;
        OltpLag lag = new OltpLag();
        Transport transport = timed ? lag.watching(mesh.transport) : mesh.transport;
        List<PeerLinks> links = mesh.links(transport);
        AtomicBoolean watching = new AtomicBoolean(timed);
        // a thread of its own: the common pool may have a single worker on a small machine, busy elsewhere
        ExecutorService watcherThread = Executors.newSingleThreadExecutor();
        CompletableFuture<Void> watcher = timed
            ? CompletableFuture.runAsync(() -> lag.watch(mesh.names.stream().map(NodeId::of).toList(), mesh.dbs,
                watching), watcherThread)
            : CompletableFuture.completedFuture(null);
        try {
            double[] rates = clients(mesh.dbs, timed ? lag::committed : (hid, at) -> { }, failedTries, seconds).perSecond();
            long lastCommit = System.nanoTime();
            long converged = awaitConverged(mesh, lastCommit);
            watching.set(false);
            ReplicationBenchmark.join(watcher);
            lag.convergedAt(converged);
            return new Replicated(rates, (converged - lastCommit) / 1e9, timed ? lag.millis(s.peers() - 1) : new double[0]);
        } finally {
            watching.set(false);
            links.forEach(PeerLinks::close);
            watcherThread.shutdown();
        }
    }

    /**
     * Polls until no peer has anything queued for another and all hold the same rows; returns when that was first
     * seen. Bounded: peers that never converge void the run.
     */
    private long awaitConverged(Peers mesh, long since) throws SQLException {
        while (true) {
            long now = System.nanoTime();
            if (mesh.drained() && Fingerprint.same(mesh.dbs, TpcB.TABLES)) {
                return now;
            }
            if (now - since > DRAIN_LIMIT_NANOS) {
                Fingerprint.requireSame("oltp", mesh.names, mesh.dbs, TpcB.TABLES);
                throw new IllegalStateException("oltp: the peers did not converge within 15 minutes; the run is void");
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /**
     * Runs {@code clients} connections on every database for {@code seconds}, all at once; returns each database's
     * commits per second and the number of commits.
     * At a fixed rate each client's transaction {@code i} is due at a fixed time (its share of the peer's rate,
     * staggered between the clients); a late one goes at once and the next keeps its time, as {@code pgbench -R}.
     * Tries that failed and were tried again (a deadlock, say) are counted in {@code failedTries} by SQLSTATE.
     */
    private Rates clients(List<DataSource> dbs, Commits seen,
                             java.util.Map<String, java.util.concurrent.atomic.LongAdder> failedTries, int seconds) throws SQLException {
        int n = dbs.size();
        AtomicLongArray commits = new AtomicLongArray(n);
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(n * s.clients());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s.clients(); k++) {
                    int peer = i;
                    long interval = s.txRate() == 0 ? 0 : (long) (1e9 * s.clients() / s.txRate());
                    long start = t0 + k * interval / s.clients();
                    all.add(CompletableFuture.runAsync(() -> ReplicationBenchmark.unchecked(() -> {
                        try (TpcB.Client client = new TpcB.Client(dbs.get(peer), s.accounts())) {
                            for (long tx = 0; running.get(); tx++) {
                                long due = start + tx * interval;
                                for (long wait = due - System.nanoTime(); interval > 0 && wait > 0 && running.get(); wait = due - System.nanoTime()) {
                                    LockSupport.parkNanos(Math.min(wait, 50_000_000));
                                }
                                if (!running.get()) {
                                    break;
                                }
                                client.transact(state -> failedTries.computeIfAbsent(state, st -> new java.util.concurrent.atomic.LongAdder()).increment());
                                seen.committed(client.lastHistoryId(), System.nanoTime());
                                commits.incrementAndGet(peer);
                            }
                        }
                    }), pool));
                }
            }
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end && all.stream().noneMatch(CompletableFuture::isCompletedExceptionally)) {
                LockSupport.parkNanos(Math.min(100_000_000, Math.max(0, end - System.nanoTime())));
            }
        } finally {
            running.set(false);
            pool.shutdown();
        }
        for (CompletableFuture<Void> f : all) {
            ReplicationBenchmark.join(f);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double[] rates = new double[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            rates[i] = commits.get(i) / elapsed;
            total += commits.get(i);
        }
        return new Rates(rates, total);
    }

    /** Each database's commits per second, and the commits of all of them together. */
    private record Rates(double[] perSecond, long commits) {
    }
}
