package dev.converge.testkit;

import dev.converge.Node;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a {@link Workload} on a fresh three-peer {@link Cluster} and remembers every ChangeSet any peer handed out
 * (through the transport or {@link Node#outboundFor}), so that checks can compare the outcome with what was written.
 * Keeps a trace of what each step did, for failure messages.
 */
public final class WorkloadRunner implements AutoCloseable {
    private final Cluster cluster;
    private final Dialect dialect;
    /** Per origin, every ChangeSet it handed out, by sequence. */
    private final Map<String, TreeMap<Long, ChangeSet>> seen = new TreeMap<>();
    /** Per origin, every batch it handed out, in order: material for re-delivery. */
    private final Map<String, List<List<ChangeSet>>> batches = new TreeMap<>();
    private final List<String> trace = new ArrayList<>();
    private final Transport recording;
    private final List<ReusingDataSource> pools = new ArrayList<>();
    private String current = "initial rows";

    /**
     * How the peers of a run are set up: the resolver every peer decides by, each peer's priority, and statements run on
     * each peer's database before it opens (e.g. a function a resolver calls). Immutable.
     */
    public record Setup(ResolverSpec resolver, java.util.function.ToIntFunction<String> priority, List<String> statements) {
        public Setup {
            statements = List.copyOf(statements);
        }

        /** Every peer deciding by {@code resolver}, all of priority 0, nothing set up beforehand. */
        public static Setup of(ResolverSpec resolver) {
            return new Setup(resolver, id -> 0, List.of());
        }
    }

    private WorkloadRunner(Dialect dialect, String name, Setup setup) {
        this.dialect = dialect;
        this.cluster = Cluster.ofEach(dialect, name, Workload.NODES, setup.priority(), Workload.SCHEMA, List.of(TableConfig.of("t")),
            (id, b) -> b.purgeGrace(java.time.Duration.ZERO).defaultResolver(setup.resolver()), db -> { // no grace: the workloads exercise purging
            if (!setup.statements().isEmpty()) {
                Sql.on(db).execute(setup.statements().toArray(String[]::new));
            }
            ReusingDataSource pool = new ReusingDataSource(db);
            pools.add(pool);
            return pool;
        });
        this.recording = (from, to, batch) -> {
            record(from, batch);
            return cluster.transport().send(from, to, batch);
        };
    }

    /**
     * Builds the cluster, runs every step and then delivers everything everywhere. If a step fails, the databases are
     * freed and the failure says which step, after the trace of the steps before.
     */
    public static WorkloadRunner run(Dialect dialect, String name, Workload w) {
        return run(dialect, name, w, ResolverSpec.TIMESTAMP);
    }

    /** As above, every peer deciding conflicts with {@code resolver}. */
    public static WorkloadRunner run(Dialect dialect, String name, Workload w, ResolverSpec resolver) {
        return run(dialect, name, w, Setup.of(resolver));
    }

    /** As above, the peers set up by {@code setup}. */
    public static WorkloadRunner run(Dialect dialect, String name, Workload w, Setup setup) {
        WorkloadRunner r = new WorkloadRunner(dialect, name, setup);
        try {
            if (w.initialRows() > 0) {
                String[] rows = new String[w.initialRows()];
                for (int k = 1; k <= rows.length; k++) {
                    rows[k - 1] = "INSERT INTO t VALUES (" + k + ", 0, 'a')";
                }
                r.cluster.write("A", rows);
                r.sync();
                r.trace.add("A: initial rows 1.." + rows.length + ", sync");
            }
            w.skew().ifPresent(s -> r.cluster.member(s.node()).clock().advance(s.minutes() * 60_000L));
            for (Workload.Step step : w.steps()) {
                r.current = step.toString();
                r.step(step);
            }
            r.current = "final sync";
            r.sync();
            r.trace.add("final sync");
            return r;
        } catch (RuntimeException | AssertionError e) {
            AssertionError failure = new AssertionError("step `" + r.current + "` failed: " + e
                + "\n--- steps before ---\n  " + String.join("\n  ", r.trace), e);
            r.close();
            throw failure;
        }
    }

    public Cluster cluster() {
        return cluster;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Node node(String id) {
        return cluster.node(id);
    }

    /** Per origin, every ChangeSet it handed out, by sequence. */
    public Map<String, TreeMap<Long, ChangeSet>> seen() {
        return seen;
    }

    public List<String> trace() {
        return trace;
    }

    private void step(Workload.Step step) {
        if (step instanceof Workload.Write wr) {
            cluster.tick(wr.delayMillis());
            // each statement text unique within its transaction: H2 (2.4.240) reuses a cached result for a statement
            // run again in the same transaction, blind to the transaction's own writes in between (the second
            // "INSERT ... WHERE NOT EXISTS" of the same row then fails on the primary key)
            String[] sql = new String[wr.statements().size()];
            for (int i = 0; i < sql.length; i++) {
                sql[i] = "/* " + (i + 1) + " */ " + wr.statements().get(i).sql();
            }
            cluster.write(wr.node(), sql);
            trace.add(wr.toString());
        } else if (step instanceof Workload.Jump j) {
            cluster.member(j.node()).clock().advance(j.millis());
            trace.add(j.toString());
        } else if (step instanceof Workload.Deliver d) {
            trace.add(d + ": " + deliver(d.from(), d.to()) + " sent");
        } else if (step instanceof Workload.Scramble s) {
            scramble(s);
        } else if (step instanceof Workload.Redeliver rd) {
            redeliver(rd);
        } else if (step instanceof Workload.Resync rs) {
            try (dev.converge.resync.SnapshotSource snapshot = node(rs.source()).openSnapshot()) {
                trace.add(rs + ": " + node(rs.target()).resync(snapshot, dev.converge.resync.ResyncProgress.NONE));
            }
        } else {
            sync();
            trace.add("sync");
        }
    }

    private int deliver(String from, String to) {
        return node(from).deliverTo(NodeId.of(to), recording);
    }

    private void sync() {
        for (int round = 0; round < 20; round++) {
            int moved = 0;
            for (String from : Workload.NODES) {
                for (String to : Workload.NODES) {
                    if (!from.equals(to)) {
                        moved += deliver(from, to);
                    }
                }
            }
            if (moved == 0) {
                return;
            }
        }
        throw new AssertionError("the cluster did not settle in 20 delivery rounds\n" + String.join("\n", trace));
    }

    private void scramble(Workload.Scramble s) {
        List<ChangeSet> batch = node(s.from()).outboundFor(NodeId.of(s.to()), s.n());
        record(s.from(), batch);
        List<Long> got = new ArrayList<>();
        long stored = -1;
        for (int i : s.pieces()) {
            if (i < batch.size()) {
                Receipt r = node(s.to()).receive(NodeId.of(s.from()), List.of(batch.get(i)));
                got.add(batch.get(i).sequence());
                stored = Math.max(stored, r.storedThrough());
            }
        }
        if (s.ack() && stored >= 0) {
            node(s.from()).acknowledge(NodeId.of(s.to()), stored);
        }
        trace.add(s + ": received seqs " + got + (s.ack() && stored >= 0 ? ", acked through " + stored : ""));
    }

    private void redeliver(Workload.Redeliver rd) {
        List<List<ChangeSet>> earlier = batches.getOrDefault(rd.origin(), List.of());
        if (earlier.isEmpty()) {
            trace.add(rd + ": nothing handed out yet");
            return;
        }
        List<ChangeSet> batch = earlier.get(rd.index() % earlier.size());
        Receipt r = node(rd.to()).receive(NodeId.of(rd.origin()), batch);
        trace.add(rd + ": seqs " + batch.stream().map(ChangeSet::sequence).toList() + ", applied " + r.applied());
    }

    private void record(NodeId origin, List<ChangeSet> batch) {
        record(origin.value(), batch);
    }

    private void record(String origin, List<ChangeSet> batch) {
        if (batch.isEmpty()) {
            return;
        }
        batches.computeIfAbsent(origin, o -> new ArrayList<>()).add(List.copyOf(batch));
        TreeMap<Long, ChangeSet> byseq = seen.computeIfAbsent(origin, o -> new TreeMap<>());
        for (ChangeSet cs : batch) {
            ChangeSet before = byseq.putIfAbsent(cs.sequence(), cs);
            if (before != null && !before.equals(cs)) {
                throw new AssertionError(origin + " handed out two different ChangeSets as " + cs.id() + ":\n  " + before + "\n  " + cs);
            }
        }
    }

    /**
     * Frees the peers' databases: an in-memory H2 database otherwise lives until the JVM exits, and a property run
     * creates hundreds. PostgreSQL scratch databases are dropped when the JVM exits.
     */
    @Override
    public void close() {
        if (dialect == Dialect.H2) {
            Workload.NODES.forEach(n -> cluster.sql(n).execute("SHUTDOWN"));
        }
        pools.forEach(ReusingDataSource::close);
    }

    /** Replicated rows per node. */
    public Map<String, Map<String, List<RowImage>>> data() {
        Map<String, Map<String, List<RowImage>>> out = new LinkedHashMap<>();
        Workload.NODES.forEach(n -> out.put(n, node(n).replicatedRows()));
        return out;
    }

    /** A readable account of the run: the trace, every ChangeSet, each node's rows, shadow and conflicts. */
    public String describe() {
        StringBuilder b = new StringBuilder("\n--- trace ---\n");
        trace.forEach(t -> b.append("  ").append(t).append('\n'));
        b.append("--- ChangeSets ---\n");
        seen.values().forEach(m -> m.values().forEach(cs -> b.append("  ").append(cs).append('\n')));
        for (String n : Workload.NODES) {
            b.append("--- ").append(n).append(" ---\n  rows: ").append(node(n).replicatedRows().get(tableName())).append('\n');
            b.append("  shadow: ").append(cluster.sql(n).query("SELECT * FROM " + shadowTable())).append('\n');
            node(n).conflicts().forEach(c -> b.append("  conflict: ").append(c.type().word()).append(' ').append(c.key().orElse(null))
                .append(" local ").append(c.localImage().orElse(null)).append(" @").append(c.localTimestamp().orElse(null)).append(' ')
                .append(c.localOrigin().orElse(null)).append(" remote ").append(c.remoteImage().orElse(null)).append(" @")
                .append(c.remoteTimestamp()).append(' ').append(c.changeSet()).append(" -> ").append(c.outcome().word()).append('\n'));
        }
        return b.toString();
    }

    /** The replicated table's name as the node spells it. */
    public String tableName() {
        return node("A").replicatedRows().keySet().iterator().next();
    }

    /** The shadow table, quoted for this dialect. */
    public String shadowTable() {
        return "\"cv_shadow_" + tableName().toLowerCase(java.util.Locale.ROOT) + "\"";
    }
}
