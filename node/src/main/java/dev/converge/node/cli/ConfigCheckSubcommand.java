package dev.converge.node.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.converge.Node;
import dev.converge.config.ConfigError;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge config check [--no-database] FILE}: reads the file and prints every problem; then, unless told not
 * to, connects to the node's database and checks the configuration against it without changing anything.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Checks a node's configuration file and prints every problem as FILE:LINE:COLUMN: KEY: MESSAGE;"
        + " then checks it against the node's database (tables exist and have primary keys, column subsets and"
        + " filters fit, resolvers exist) without changing anything.",
        "Exits 0 if there is no problem, 1 if there is any."})
final class ConfigCheckSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConfigSubcommand parent;

    @Option(names = "--database", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also check against the live database (default). --no-database checks the file alone.")
    private boolean database;

    @Parameters(paramLabel = "FILE", description = "The node's configuration file (YAML).")
    private Path file;

    @Override
    public Integer call() {
        PrintStream out = parent.parent.out();
        Optional<NodeSettings> settings = NodeFileArgument.read(file, out);
        if (settings.isEmpty()) {
            return 1;
        }
        NodeSettings s = settings.get();
        String summary = "node " + s.id() + ", " + count(s.peers().size(), "peer") + ", " + count(s.core().tables().size(),
            "table") + " (" + s.core().tables().stream().map(t -> t.name()).collect(Collectors.joining(", ")) + ")";
        if (!database) {
            out.println(file + ": OK (file only): " + summary);
            return 0;
        }
        List<String> problems = databaseProblems(file, s);
        if (!problems.isEmpty()) {
            problems.forEach(out::println);
            out.println(count(problems.size(), "problem") + " in " + file + " against the database " + s.database().safeUrl());
            return 1;
        }
        out.println(file + ": OK: " + summary + "; the database " + s.database().safeUrl() + " fits");
        return 0;
    }

    /** Each problem as a line of the file's own format; a database that cannot be reached is one problem. */
    private static List<String> databaseProblems(Path file, NodeSettings s) {
        try (HikariDataSource pool = ConnectionPool.open(s.id(), s.database())) {
            try (Connection c = pool.getConnection()) {
                c.isValid(5);
            } catch (SQLException e) {
                return List.of(NodeFile.locate(file, new ConfigError("database.url", "cannot connect to "
                    + s.database().safeUrl() + ": " + e.getMessage())).toString());
            }
            return Node.validate(s.core(), pool).stream().map(e -> NodeFile.locate(file, e).toString()).toList();
        }
    }

    static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
