package dev.converge.node.cli;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConfigError;
import dev.converge.config.TableConfig;
import dev.converge.model.NodeId;
import dev.converge.node.config.NodeFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge init --config FILE}: checks the configuration against the node's database, then installs Converge's
 * metadata tables and the capture triggers. Idempotent: run again, it checks and brings the installation up to date.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Installs Converge in the node's database: its metadata tables (cv_*) and capture on every"
        + " replicated table. Checks the configuration against the database first and changes nothing if it does"
        + " not fit. Safe to run again.",
        "Exits 0 when installed, 1 on any problem."})
final class InitSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's configuration file.")
    private Path file;

    @Override
    public Integer call() {
        PrintStream out = parent.out();
        return NodeFileArgument.withDatabase(file, out, "cannot install in", (s, pool, where) -> {
            Optional<NodeId> before = Node.installedIn(pool);
            if (!NodeFileArgument.notAnotherNodes(s, before, where, out, "nothing changed (converge uninstall removes that installation)")) {
                return 1;
            }
            List<ConfigError> problems = Node.validate(s.core(), pool);
            if (!problems.isEmpty()) {
                problems.forEach(p -> out.println(NodeFile.locate(file, p)));
                out.println("nothing installed in " + where + ": " + ConfigCheckSubcommand.count(problems.size(), "problem"));
                return 1;
            }
            Node.open(s.core(), pool, TimeSource.system()).close();
            String tables = s.core().tables().stream().map(TableConfig::name).collect(Collectors.joining(", "));
            out.println((before.isPresent() ? "already installed for node " + s.id() + " in " + where
                + "; checked and brought up to date" : "installed node " + s.id() + " in " + where));
            out.println("  metadata tables cv_*; capture and shadow tables on " + tables);
            return 0;
        });
    }
}
