package dev.converge.specs.model;

import java.time.LocalTime;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code - resolve: {node, conflict, take}}: a person resolves the newest unresolved matching conflict by hand.
 * {@code seen} (optional): the row as the person saw it; the decision is refused if the row is no longer that.
 * {@code expect_refused} (optional): the decision must be refused (and nothing change).
 */
public record ResolveStep(int line, LocalTime at, String node, ConflictRef conflict, Take take, Optional<Row> seen,
                          boolean expectRefused) implements Step {
    /** Without {@code seen} and {@code expect_refused}: the person decides on the row as it stands. */
    public ResolveStep(int line, LocalTime at, String node, ConflictRef conflict, Take take) {
        this(line, at, node, conflict, take, Optional.empty(), false);
    }

    public ResolveStep {
        Objects.requireNonNull(seen);
        Objects.requireNonNull(at);
        Objects.requireNonNull(node);
        Objects.requireNonNull(conflict);
        Objects.requireNonNull(take);
    }

    /** Which conflict: by table and key. */
    public record ConflictRef(String table, Row key) {
        public ConflictRef {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
        }
    }

    @Override
    public String label() {
        return "step at line " + line() + " (resolve on " + node + ", " + at + ")";
    }
}
