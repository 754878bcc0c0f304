package dev.converge.specs.model;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import java.util.Objects;

/** The conflict scope and resolver of every table that does not override them. */
public record Defaults(ConflictScope scope, ResolverSpec resolver) {
    public static final Defaults STANDARD = new Defaults(ConflictScope.ROW, ResolverSpec.TIMESTAMP);

    public Defaults {
        Objects.requireNonNull(scope);
        Objects.requireNonNull(resolver);
    }
}
