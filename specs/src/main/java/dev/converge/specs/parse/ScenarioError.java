package dev.converge.specs.parse;

import java.nio.file.Path;
import java.util.Objects;

/** Why a file is not a valid scenario: the file, the 1-based line, and the problem in words. */
public record ScenarioError(Path file, int line, String problem) {
    public ScenarioError {
        Objects.requireNonNull(file);
        Objects.requireNonNull(problem);
    }

    /** {@code FILE:LINE: problem}, the form editors and terminals turn into a link. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + problem;
    }
}
