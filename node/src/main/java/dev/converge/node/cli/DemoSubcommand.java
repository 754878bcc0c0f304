package dev.converge.node.cli;

import dev.converge.node.demo.Demo;
import dev.converge.node.demo.DemoSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code converge demo}: three peers in this JVM, concurrent writers on all three, and the proof that they converge. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Starts three peers A, B and C in this process, each with its own H2 database (in a fresh"
        + " temporary folder) and its own HTTP port on 127.0.0.1, configured by node files written for the run.",
        "Writers on all three change a sample schema (suppliers, and products with a foreign key and a unique sku)"
            + " at once, producing real conflicts; a progress line shows commits, ChangeSets waiting and conflicts per node.",
        "Then it waits until every peer has applied everything, compares the three databases (rows and a checksum),"
            + " and prints what was replicated per second and how each conflict was decided.",
        "Then the peers keep running, with their /status, /metrics and /health URLs printed, until Ctrl-C.",
        "Exits 0 when the peers converged, 1 if not."})
final class DemoSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "10", description = "How long the writers write (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--writers", defaultValue = "3", description = "Writer threads on each node (default: ${DEFAULT-VALUE}).")
    private int writers;

    @Option(names = "--seed", defaultValue = "42",
        description = "Seed of the writers' random choices (default: ${DEFAULT-VALUE}); the threads' interleaving still varies.")
    private long seed;

    @Option(names = "--exit", description = "Stop after the summary instead of keeping the peers running.")
    private boolean exit;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Keep the node files and databases in DIR (empty or new) instead of a temporary folder removed at the end.")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        DemoSettings settings;
        try {
            settings = new DemoSettings(seconds, writers, seed, exit, Optional.ofNullable(dir));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (dir != null && Files.exists(dir) && !emptyFolder(dir)) {
            throw new ParameterException(spec.commandLine(), "--dir " + dir + " must be an empty folder or not exist yet");
        }
        // a terminal gets one progress line rewritten in place; a pipe or a test gets plain lines
        return new Demo(settings, parent.out(), System.console() != null).run();
    }

    private static boolean emptyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }
}
