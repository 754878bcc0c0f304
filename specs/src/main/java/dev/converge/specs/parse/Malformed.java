package dev.converge.specs.parse;

import java.util.Optional;

/**
 * Thrown inside the readers at the first problem found, with its line (and column, 0 when unknown) and, where one is
 * known, the key path it is about ({@code tables.pers.resolver}); {@link ScenarioParser} turns it into a
 * {@link ScenarioError} value. Unwinding beats threading an Either through every nested read of a tree. Public
 * because the node module's configuration reader uses the same tree and readers ({@link ResolverSyntax}) and turns
 * each one into a problem of its own.
 */
public final class Malformed extends RuntimeException {
    private final int line;
    private final int column;
    private final String key;
    private final String problem;

    Malformed(int line, String problem) {
        this(line, 0, null, problem);
    }

    /** A problem about {@code key} (or about no key in particular, if null): the message reads "key: problem". */
    Malformed(int line, int column, String key, String problem) {
        this(line, column, key, problem, key == null ? problem : key + ": " + problem);
    }

    /** As above, with the message (what a scenario error prints) worded differently from "key: problem". */
    Malformed(int line, int column, String key, String problem, String message) {
        super(message, null, false, false);
        this.line = line;
        this.column = column;
        this.key = key;
        this.problem = problem;
    }

    /** A problem with the value {@code node} found at {@code key}. */
    static Malformed at(YamlNode node, String key, String problem) {
        return new Malformed(node.line(), node.column(), key, problem);
    }

    public int line() {
        return line;
    }

    /** 1-based, or 0 if the parser did not say. */
    public int column() {
        return column;
    }

    /** The key path the problem is about, when it is about one. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The problem without the key. */
    public String problem() {
        return problem;
    }
}
