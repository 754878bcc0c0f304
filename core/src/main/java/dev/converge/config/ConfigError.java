package dev.converge.config;

/**
 * What is wrong with a configuration, said so that a person can fix it: which table (or key), and what.
 * A value, not an exception: validation returns {@code Either<ConfigError, ...>}.
 */
public record ConfigError(String where, String problem) {
    @Override
    public String toString() {
        return where.isEmpty() ? problem : where + ": " + problem;
    }
}
