package dev.converge.conflict;

import java.util.Objects;

/** How many conflicts of one type, outcome and status a node has recorded (see {@code Node.conflictCounts()}). */
public record ConflictCount(ConflictType type, Outcome outcome, ConflictStatus status, long count) {
    public ConflictCount {
        Objects.requireNonNull(type);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(status);
    }
}
