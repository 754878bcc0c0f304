package dev.converge.specs.model;

import java.time.LocalTime;
import java.util.Objects;

/** {@code - resolve: {node, conflict, take}}: a person resolves the newest unresolved matching conflict by hand. */
public record ResolveStep(int line, LocalTime at, String node, ConflictRef conflict, Take take) implements Step {
    public ResolveStep {
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
