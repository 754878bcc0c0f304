package dev.converge.node.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code converge}: the main class of {@code converge.jar}. Exit codes: 0 success, 1 the command ran and something
 * failed (a scenario, a node), 2 the command line itself was wrong (picocli's usage error).
 */
@Command(name = "converge", mixinStandardHelpOptions = true, versionProvider = ConvergeCommand.Version.class,
    description = "Multi-master database synchronization: peers that all accept writes, and converge.",
    subcommands = {DemoSubcommand.class, ConfigSubcommand.class, InitSubcommand.class, RunSubcommand.class, ReloadSubcommand.class, StatusSubcommand.class, CheckSubcommand.class, ResyncSubcommand.class, ConflictsSubcommand.class,
        PeerSubcommand.class, UninstallSubcommand.class, UserSubcommand.class, SpecSubcommand.class, BenchSubcommand.class, HelpCommand.class})
public final class ConvergeCommand implements Runnable {
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    ConvergeCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command line in-process, printing results to {@code out} and usage errors to {@code err}. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine commandLine = new CommandLine(new ConvergeCommand(out));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    /** Where subcommands print their results (stdout in production; a buffer in tests). */
    PrintStream out() {
        return out;
    }

    /** Without a subcommand there is nothing to do: say so, with the usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: say what to run, e.g. converge spec specs/");
    }

    /** The version the build wrote into {@code version.properties}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = ConvergeCommand.class.getResourceAsStream("/dev/converge/node/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"converge " + p.getProperty("version", "(development build)"),
                "Java ${java.version} (${java.vendor}), ${os.name} ${os.arch}"};
        }
    }
}
