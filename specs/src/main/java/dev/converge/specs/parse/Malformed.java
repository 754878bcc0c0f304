package dev.converge.specs.parse;

/**
 * Thrown inside the readers at the first problem found, with its line; {@link ScenarioParser} turns it into a
 * {@link ScenarioError} value, so it never leaves this package. Unwinding beats threading an Either through every
 * nested read of a tree.
 */
final class Malformed extends RuntimeException {
    private final int line;

    Malformed(int line, String problem) {
        super(problem, null, false, false);
        this.line = line;
    }

    int line() {
        return line;
    }
}
