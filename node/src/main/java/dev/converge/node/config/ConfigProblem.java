package dev.converge.node.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong with a node's configuration file, said so a person can fix it: where (file, 1-based line and column;
 * column 0 when unknown), which key ({@code peers[1].secret}; empty for the file as a whole) and what was expected.
 * Never holds a secret's value. Immutable.
 */
public record ConfigProblem(Path file, int line, int column, String key, String message) {
    public ConfigProblem {
        Objects.requireNonNull(file);
        Objects.requireNonNull(key);
        Objects.requireNonNull(message);
    }

    /** {@code FILE:LINE:COLUMN: key: message}, the form editors and terminals turn into a link. */
    @Override
    public String toString() {
        String where = file + ":" + line + (column > 0 ? ":" + column : "");
        return where + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
