package dev.converge.specs.model;

import java.time.LocalTime;
import java.util.Objects;

/** {@code - sync}: deliver everything everywhere until nothing is left to send. */
public record SyncStep(int line, LocalTime at) implements Step {
    public SyncStep {
        Objects.requireNonNull(at);
    }

    @Override
    public String label() {
        return "step at line " + line() + " (sync, " + at + ")";
    }
}
