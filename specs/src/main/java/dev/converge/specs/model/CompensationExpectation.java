package dev.converge.specs.model;

import java.util.Objects;

/** One entry of {@code expect.compensations}: the reference node {@code from} sent a compensating transaction to {@code to}. */
public record CompensationExpectation(int line, String from, String to) {
    public CompensationExpectation {
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
    }
}
