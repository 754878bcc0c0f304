package dev.converge.node.config;

import dev.converge.specs.parse.Malformed;
import dev.converge.specs.parse.YamlNode;
import dev.converge.specs.parse.YamlTree;
import io.vavr.control.Either;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a node's configuration file (see the README's "Configuration") into {@link NodeSettings}, or says everything
 * that is wrong with it: a YAML syntax error alone (nothing after it can be read), otherwise every problem in the file,
 * in file order. Checks the file only; {@code dev.converge.Node.validate} checks it against the database.
 *
 * <p>Stateless and thread-safe.
 */
public final class NodeFile {
    private NodeFile() {
    }

    /** Reads {@code file}, substituting {@code ${NAME}} from the process's environment. */
    public static Either<List<ConfigProblem>, NodeSettings> read(Path file) {
        return read(file, System::getenv);
    }

    /** Reads {@code file}, substituting {@code ${NAME}} from {@code environment} (null: not set). */
    public static Either<List<ConfigProblem>, NodeSettings> read(Path file, Function<String, String> environment) {
        try {
            return parse(file, Files.readString(file), environment);
        } catch (IOException e) {
            return Either.left(List.of(new ConfigProblem(file, 1, 0, "", "cannot read the file: " + e.getMessage())));
        }
    }

    /**
     * A problem found by checking the configuration against the database ({@code dev.converge.Node.validate}), placed
     * at the key of {@code file} it is about: a table's problems at its entry under {@code tables} (its
     * {@code filter} or {@code columns} when they are the cause), others at their key or on line 1.
     */
    public static ConfigProblem locate(Path file, dev.converge.config.ConfigError error) {
        return KeyPositions.locate(file, error);
    }

    /** Parses {@code content} as if read from {@code file} (which names the source in problems and anchors paths). */
    public static Either<List<ConfigProblem>, NodeSettings> parse(Path file, String content,
                                                                  Function<String, String> environment) {
        Problems problems = new Problems(file);
        YamlNode tree;
        try {
            tree = YamlTree.read(content, "node configuration",
                "the file is empty: a node configuration needs at least id, database and tables");
        } catch (Malformed m) {
            problems.add(m, "");
            return Either.left(problems.all());
        }
        YamlNode substituted = new EnvSubstitution(environment, problems).apply(tree, "");
        return new NodeFileReader(file, problems).read(substituted);
    }
}
