package dev.converge.node.cli;

import dev.converge.Node;
import dev.converge.model.NodeId;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge uninstall --config FILE [--yes]}: removes capture and every table Converge created (queues, shadow
 * tables, conflict records) from the node's database, leaving the replicated tables and their rows as they are.
 */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
    description = {"Removes Converge from the node's database: the capture triggers and every cv_* table (queues,"
        + " shadow tables, recorded conflicts). The replicated tables and their rows stay. Asks first, unless --yes.",
        "Exits 0 when removed (or nothing was installed), 1 if refused or failed."})
final class UninstallSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's configuration file.")
    private Path file;

    @Option(names = "--yes", description = "Do not ask: the queues and recorded conflicts are lost.")
    private boolean yes;

    @Override
    public Integer call() {
        PrintStream out = parent.out();
        return NodeFileArgument.withDatabase(file, out, "cannot uninstall from", (s, pool, where) -> {
            Optional<NodeId> installed = Node.installedIn(pool);
            if (installed.isEmpty()) {
                out.println("nothing to remove: Converge is not installed in " + where);
                return 0;
            }
            if (!NodeFileArgument.notAnotherNodes(s, installed, where, out, "nothing removed")) {
                return 1;
            }
            if (!yes && !confirmed(s.id(), where, out)) {
                return 1;
            }
            Node.uninstallFrom(pool);
            out.println("removed node " + s.id() + " from " + where + ": capture and every cv_* table;"
                + " the replicated tables are untouched");
            return 0;
        });
    }

    /** Asks on the terminal; without one (a script, a pipe) there is no one to ask, so --yes is needed. */
    private static boolean confirmed(NodeId node, String where, PrintStream out) {
        Console console = System.console();
        if (console == null) {
            out.println("refusing to remove node " + node + " from " + where + " without --yes (no terminal to ask on)");
            return false;
        }
        String answer = console.readLine("Remove node %s from %s? Its queues and recorded conflicts are lost. Type the"
            + " node id to confirm: ", node, where);
        if (answer == null || !answer.strip().equals(node.value())) {
            out.println("nothing removed");
            return false;
        }
        return true;
    }
}
