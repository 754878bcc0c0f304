package dev.converge.node.cli;

import dev.converge.workbench.user.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code converge user hash}: commands about workbench users. */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Commands about workbench users.",
    subcommands = {UserSubcommand.Hash.class})
final class UserSubcommand implements Runnable {
    @ParentCommand
    ConvergeCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: e.g. converge user hash");
    }

    /** Reads a password (twice on a terminal, once from a pipe) and prints its hash for {@code password_hash}. */
    @Command(name = "hash", mixinStandardHelpOptions = true,
        description = {"Reads a password and prints its PBKDF2 hash, for a workbench user's password_hash.",
            "On a terminal it asks twice, without echo; otherwise it reads one line from standard input."})
    static final class Hash implements Callable<Integer> {
        @ParentCommand
        private UserSubcommand parent;

        @Override
        public Integer call() throws IOException {
            char[] password = read();
            if (password == null || password.length == 0) {
                parent.parent.out().println("no password given: nothing hashed");
                return 1;
            }
            parent.parent.out().println(PasswordHash.create(password).encoded());
            Arrays.fill(password, '\0');
            return 0;
        }

        private static char[] read() throws IOException {
            Console console = System.console();
            if (console == null) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return line == null ? null : line.toCharArray();
            }
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            return first != null && Arrays.equals(first, again) ? first : null;
        }
    }
}
