package dev.converge.node.cli;

import dev.converge.dialect.Dialect;
import dev.converge.node.bench.ReplicationBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code converge bench}: prints the cost of capture and of end-to-end replication against the raw write rate. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Runs one workload without Converge, with capture, and end to end between two peers, on fresh",
        "databases (embedded PostgreSQL unless CONVERGE_PG_URL names a server), and prints times and ratios."})
final class BenchSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--dialect", paramLabel = "h2|postgresql", converter = SpecSubcommand.DialectConverter.class,
        defaultValue = "postgresql", description = "The database (default: ${DEFAULT-VALUE}).")
    private Dialect dialect;

    @Option(names = "--rows", defaultValue = "100000", description = "Rows inserted, then updated; half are then deleted (default: ${DEFAULT-VALUE}).")
    private int rows;

    @Option(names = "--tx-rows", defaultValue = "1000", description = "Rows per transaction (default: ${DEFAULT-VALUE}).")
    private int txRows;

    @Override
    public Integer call() throws Exception {
        new ReplicationBenchmark(dialect, rows, txRows, parent.out()).run();
        return 0;
    }
}
