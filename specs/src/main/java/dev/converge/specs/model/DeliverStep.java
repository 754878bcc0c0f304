package dev.converge.specs.model;

import java.time.LocalTime;
import java.util.Objects;

/** {@code - deliver: {from: C, to: A}}: C sends A everything it has queued for A. */
public record DeliverStep(int line, LocalTime at, String from, String to) implements Step {
    public DeliverStep {
        Objects.requireNonNull(at);
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
    }

    @Override
    public String label() {
        return "step at line " + line() + " (deliver " + from + " -> " + to + ", " + at + ")";
    }
}
