package dev.converge.node.cli;

import dev.converge.dialect.Dialect;
import dev.converge.node.bench.OltpBenchmark;
import dev.converge.node.bench.RateBenchmark;
import dev.converge.node.bench.ReplicationBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code converge bench}: prints the cost of capture and of end-to-end replication against the raw write rate. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measures Converge on fresh databases (embedded PostgreSQL unless CONVERGE_PG_URL",
        "names a server) and prints times and ratios, medians of --runs runs. Every run",
        "checks that the peers converged, or the command fails.",
        "Modes:",
        "  bulk  workload W (N inserts, N updates, N/2 deletes, set-based) raw, with",
        "        capture, and end to end A -> B split into stages; optionally beside",
        "        PostgreSQL's native logical replication, or with conflicts.",
        "  rate  inserts at a steady rate at A, delivered to B by a thread of its own;",
        "        lag percentiles.",
        "  oltp  pgbench-like TPC-B transactions from several clients on several peers",
        "        at once, with and without Converge; at a fixed --tx-rate, lag percentiles.", ""})
final class BenchSubcommand implements Callable<Integer> {
    enum Mode { bulk, rate, oltp }

    @ParentCommand
    private ConvergeCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--mode", paramLabel = "bulk|rate|oltp", defaultValue = "bulk", description = "What to measure: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Mode mode;

    @Option(names = "--dialect", paramLabel = "h2|postgresql", converter = SpecSubcommand.DialectConverter.class,
        defaultValue = "postgresql", description = "The database (default: ${DEFAULT-VALUE}).")
    private Dialect dialect;

    @Option(names = "--rows", defaultValue = "100000", description = "bulk: rows inserted, then updated; half are then deleted (default: ${DEFAULT-VALUE}).")
    private int rows;

    @Option(names = "--tx-rows", defaultValue = "1000", description = "bulk, rate: rows per transaction (default: ${DEFAULT-VALUE}).")
    private int txRows;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each kind; medians are printed (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--compare", paramLabel = "native",
        description = "bulk: also run W through PostgreSQL's native logical replication (publication/subscription between two databases of the same server) and print Converge's time as a ratio to it. oltp: also run the clients on databases of the same server each subscribed to every other (origin = none, PostgreSQL 16 or newer) and print their rates beside Converge's.")
    private String compare;

    @Option(names = "--conflicts", paramLabel = "PERCENT", defaultValue = "0",
        description = "bulk: this share of W's transactions is also written on B at the same time, with other values, and delivery goes both ways (default: ${DEFAULT-VALUE}).")
    private int conflicts;

    @Option(names = "--rate", defaultValue = "5000", description = "rate: row changes per second written at A (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "rate, oltp: how long the writers run (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--peers", defaultValue = "3", description = "oltp: peers writing at once (default: ${DEFAULT-VALUE}).")
    private int peers;

    @Option(names = "--clients", defaultValue = "4", description = "oltp: client connections per peer (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--tx-rate", paramLabel = "TX/S", defaultValue = "0",
        description = "oltp: each peer's clients commit this many transactions per second between them, at fixed times (open loop, as pgbench -R), and the lag from commit to applied at every other peer is printed; 0 runs them as fast as they can (default: ${DEFAULT-VALUE}).")
    private int txRate;

    @Option(names = "--foreign-keys", description = "oltp: give the tables pgbench's foreign keys (as pgbench -i -I f does): tellers and accounts refer to their branch, history to its branch, teller and account.")
    private boolean foreignKeys;

    @Option(names = "--accounts", defaultValue = "10000", description = "oltp: rows in the accounts table (pgbench has 100,000 per branch; default: ${DEFAULT-VALUE}).")
    private int accounts;

    @Override
    public Integer call() throws Exception {
        Runnable bench;
        try {
            bench = benchmark();
        } catch (IllegalArgumentException e) {
            // settings that do not fit together are a usage error: say so with the usage, not a stack trace
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        bench.run();
        return 0;
    }

    /** A benchmark's {@code run} throws SQLException; this lets the settings be checked before anything runs. */
    private interface Runnable {
        void run() throws Exception;
    }

    private Runnable benchmark() {
        if (compare != null && !compare.equals("native")) {
            throw new IllegalArgumentException("--compare knows only 'native', not '" + compare + "'");
        }
        return switch (mode) {
            case bulk -> new ReplicationBenchmark(
                new ReplicationBenchmark.Settings(dialect, rows, txRows, runs, compare != null, conflicts), parent.out())::run;
            case rate -> new RateBenchmark(new RateBenchmark.Settings(dialect, rate, txRows, seconds, runs), parent.out())::run;
            case oltp -> new OltpBenchmark(new OltpBenchmark.Settings(dialect, peers, clients, seconds, accounts, runs, txRate, foreignKeys, compare != null), parent.out())::run;
        };
    }
}
