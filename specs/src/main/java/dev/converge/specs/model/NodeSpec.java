package dev.converge.specs.model;

import java.time.Duration;
import java.util.Objects;

/** One peer of a scenario: its id, its priority (default 0) and how far its wall clock is off (default zero). */
public record NodeSpec(String id, int priority, Duration clockSkew) {
    public NodeSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(clockSkew);
    }
}
