package dev.converge.node.cli;

import dev.converge.NodeStatus;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.status.DatabaseStatusSource;
import dev.converge.node.status.LiveStatus;
import dev.converge.node.status.StatusReport;
import dev.converge.node.status.StatusSource;
import dev.converge.node.tls.NodeTls;
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
 * {@code converge status --config FILE}: the node's replication status, from the running node's {@code /status}
 * endpoint ({@link LiveStatus}), or from its database when nothing answers at its listen address (a stopped node).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Prints the node's replication status: from the running node's /status endpoint (per peer reachable or"
        + " not, the ChangeSets waiting and the oldest one's age, the last error), or, when it is stopped, from its"
        + " database (per peer the ChangeSets waiting, what was applied from each origin, ChangeSets held back,"
        + " conflicts to review).",
        "Exits 0 if the status was read, 1 if not (not installed, database unreachable)."})
final class StatusSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's configuration file.")
    private Path file;

    @Option(names = "--from-database", description = "Read the database even if the node is running (by default a running"
        + " node is asked at its listen address, and the database only if nothing answers there).")
    private boolean fromDatabase;

    @Override
    public Integer call() {
        PrintStream out = parent.out();
        Optional<NodeSettings> settings = NodeFileArgument.read(file, out);
        if (settings.isEmpty()) {
            return 1;
        }
        NodeSettings s = settings.get();
        if (!fromDatabase) {
            Either<String, NodeTls> tls = s.loadTls();
            if (tls.isLeft()) {
                out.println(file + ": " + tls.getLeft());
                return 1;
            }
            java.net.URI url = LiveStatus.url(s.listen(), tls.get().scheme());
            // a stopped node refuses the connection at once; the bound is for a first TLS handshake on a busy machine
            LiveStatus.Reading live = LiveStatus.read(url, java.time.Duration.ofSeconds(10), tls.get());
            if (live.status().isPresent()) {
                LiveStatus.lines(live.status().get(), url).forEach(out::println);
                return 0;
            }
            live.problem().ifPresent(p -> out.println("cannot read the status from " + url + ": " + p + "; reading the database"));
        }
        return NodeFileArgument.withDatabase(s, out, "cannot read the status from",
            (read, pool, where) -> print(new DatabaseStatusSource(read.core(), pool, where), out));
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
