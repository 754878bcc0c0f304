package dev.converge.specs.parse;

import dev.converge.specs.model.Scenario;
import io.vavr.control.Either;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a scenario file (see {@code scenario-format.md}) into a {@link Scenario}, or says what is wrong with it:
 * the first problem found, as a {@link ScenarioError} naming the file and line. Stateless and thread-safe.
 */
public final class ScenarioParser {
    private ScenarioParser() {
    }

    /** Reads and parses {@code file}; an unreadable file is an error on line 1. */
    public static Either<ScenarioError, Scenario> parse(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            return Either.left(new ScenarioError(file, 1, "cannot read the file: " + e));
        }
    }

    /** Parses {@code content} as if read from {@code file} (which only names the source in errors). */
    public static Either<ScenarioError, Scenario> parse(Path file, String content) {
        try {
            return Either.right(new ScenarioReader(file).read(YamlTree.read(content)));
        } catch (Malformed m) {
            return Either.left(new ScenarioError(file, m.line(), m.getMessage()));
        }
    }
}
