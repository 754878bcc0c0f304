package dev.converge.config;

import dev.converge.conflict.ConflictType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One replicated table as configured: its name, an optional row filter (an SQL boolean expression over the row's
 * columns), an optional column subset (which must contain the whole primary key), optional overrides of the
 * node's default conflict scope and resolver, and resolvers for particular conflict types (as PGD's per-type
 * resolvers: {@code update-missing-row} ignored while the table's rule is {@code timestamp}). Immutable.
 */
public record TableConfig(String name, Optional<String> filter, Optional<List<String>> columns,
                          Optional<ConflictScope> scope, Optional<ResolverSpec> resolver,
                          Map<ConflictType, ResolverSpec> resolverByType) {
    public TableConfig {
        Objects.requireNonNull(name);
        filter = filter.filter(f -> !f.isBlank());
        columns = columns.map(List::copyOf);
        resolverByType = ResolverChoice.copy(resolverByType);
    }

    /** A table without resolvers for particular conflict types. */
    public TableConfig(String name, Optional<String> filter, Optional<List<String>> columns,
                       Optional<ConflictScope> scope, Optional<ResolverSpec> resolver) {
        this(name, filter, columns, scope, resolver, Map.of());
    }

    public static TableConfig of(String name) {
        return new TableConfig(name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public TableConfig withFilter(String sql) {
        return new TableConfig(name, Optional.ofNullable(sql), columns, scope, resolver, resolverByType);
    }

    public TableConfig withColumns(List<String> subset) {
        return new TableConfig(name, filter, Optional.ofNullable(subset), scope, resolver, resolverByType);
    }

    public TableConfig withScope(ConflictScope s) {
        return new TableConfig(name, filter, columns, Optional.ofNullable(s), resolver, resolverByType);
    }

    public TableConfig withResolver(ResolverSpec r) {
        return new TableConfig(name, filter, columns, scope, Optional.ofNullable(r), resolverByType);
    }

    /**
     * This table with conflicts of {@code type} decided by {@code r}, whatever its other rule; refuses a type that
     * already has one, and {@code transaction} and {@code error}, which no resolver decides.
     */
    public TableConfig withResolver(ConflictType type, ResolverSpec r) {
        return new TableConfig(name, filter, columns, scope, resolver, ResolverChoice.with(resolverByType, type, r));
    }

    /** Several at once, as a scenario's {@code conflict_resolvers} key gives them; {@code null} or empty adds none. */
    public TableConfig withResolvers(Map<ConflictType, ResolverSpec> byType) {
        TableConfig t = this;
        for (Map.Entry<ConflictType, ResolverSpec> e : (byType == null ? Map.<ConflictType, ResolverSpec>of() : byType).entrySet()) {
            t = t.withResolver(e.getKey(), e.getValue());
        }
        return t;
    }
}
