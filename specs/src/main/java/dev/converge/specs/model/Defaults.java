package dev.converge.specs.model;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.conflict.ConflictType;
import java.util.Map;
import java.util.Objects;

/**
 * The conflict scope and resolver of every table that does not override them, and the rules for particular conflict
 * types ({@code conflict_resolvers}). Immutable.
 */
public record Defaults(ConflictScope scope, ResolverSpec resolver, Map<ConflictType, ResolverSpec> resolverByType) {
    public static final Defaults STANDARD = new Defaults(ConflictScope.ROW, ResolverSpec.TIMESTAMP);

    public Defaults {
        Objects.requireNonNull(scope);
        Objects.requireNonNull(resolver);
        resolverByType = Map.copyOf(resolverByType);
    }

    public Defaults(ConflictScope scope, ResolverSpec resolver) {
        this(scope, resolver, Map.of());
    }
}
