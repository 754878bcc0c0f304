package dev.converge.node.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.converge.NodeStatus;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.status.DatabaseStatusSource;
import dev.converge.node.status.StatusReport;
import dev.converge.node.status.StatusSource;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge status --config FILE}: the node's replication status. Today read from the node's database (right
 * for a stopped node; a running node's HTTP endpoint will be another {@link StatusSource}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Prints the node's replication status from its database: per peer the ChangeSets waiting and the"
        + " oldest one's age, what was applied from each origin, ChangeSets held back, conflicts to review.",
        "Exits 0 if the status was read, 1 if not (not installed, database unreachable)."})
final class StatusSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's configuration file.")
    private Path file;

    @Override
    public Integer call() {
        PrintStream out = parent.out();
        Optional<NodeSettings> settings = NodeFileArgument.read(file, out);
        if (settings.isEmpty()) {
            return 1;
        }
        NodeSettings s = settings.get();
        try (HikariDataSource pool = ConnectionPool.open(s.id(), s.database())) {
            return print(new DatabaseStatusSource(s.core(), pool, s.database().safeUrl()), out);
        }
    }

    static int print(StatusSource source, PrintStream out) {
        Either<String, NodeStatus> status = source.read();
        if (status.isLeft()) {
            out.println("cannot read the status from " + source.describe() + ": " + status.getLeft());
            return 1;
        }
        new StatusReport(Clock.systemUTC()).lines(status.get(), source.describe()).forEach(out::println);
        return 0;
    }
}
