package dev.converge.specs.model;

import java.time.LocalTime;
import java.util.List;
import java.util.Objects;

/** {@code - node: A, sql: "..."}: one statement in its own transaction. */
public record SqlStep(int line, LocalTime at, String node, String sql, boolean expectError) implements WriteStep {
    public SqlStep {
        Objects.requireNonNull(at);
        Objects.requireNonNull(node);
        Objects.requireNonNull(sql);
    }

    @Override
    public List<String> statements() {
        return List.of(sql);
    }
}
