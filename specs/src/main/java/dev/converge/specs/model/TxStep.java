package dev.converge.specs.model;

import java.time.LocalTime;
import java.util.List;
import java.util.Objects;

/** {@code - node: A, tx: [...]}: several statements in one transaction. */
public record TxStep(int line, LocalTime at, String node, List<String> statements, boolean expectError)
    implements WriteStep {
    public TxStep {
        Objects.requireNonNull(at);
        Objects.requireNonNull(node);
        statements = List.copyOf(statements);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("a tx step needs at least one statement");
        }
    }
}
