package dev.converge.config;

import java.util.Objects;
import java.util.Optional;

/** A resolver by name, with an optional secondary rule for exact ties ({@code {name: timestamp, then: site-priority}}). */
public record ResolverSpec(String name, Optional<ResolverSpec> then) {
    public static final ResolverSpec TIMESTAMP = of("timestamp");

    public ResolverSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(then);
        if (name.isBlank()) {
            throw new IllegalArgumentException("a resolver name may not be blank");
        }
    }

    public static ResolverSpec of(String name) {
        return new ResolverSpec(name, Optional.empty());
    }

    @Override
    public String toString() {
        return then.map(t -> name + " then " + t).orElse(name);
    }
}
