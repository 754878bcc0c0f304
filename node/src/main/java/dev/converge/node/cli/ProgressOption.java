package dev.converge.node.cli;

import dev.converge.node.progress.LiveLine;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --progress} option of the commands that run long ({@code check}, {@code resync}), as a picocli mixin: a
 * live bar on a terminal, a plain line now and then otherwise, or nothing. Confined to the command's thread.
 */
final class ProgressOption {
    private static final List<String> CHOICES = List.of("auto", "bar", "plain", "none");

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
        description = "auto (a bar on a terminal, plain lines otherwise), bar, plain or none.")
    private String when;

    /** Whether the value is one of the choices (the command says so and exits 2 if not). */
    boolean valid() {
        return CHOICES.contains(when);
    }

    /** Whether progress goes to a terminal as a bar rewritten in place. */
    boolean terminal() {
        return when.equals("bar") || when.equals("auto") && LiveLine.stdoutIsTerminal();
    }

    /** Whether any progress is shown. */
    boolean shown() {
        return !when.equals("none");
    }
}
