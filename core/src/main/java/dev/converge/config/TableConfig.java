package dev.converge.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One replicated table as configured: its name, an optional row filter (an SQL boolean expression over the row's
 * columns), an optional column subset (which must contain the whole primary key), and optional overrides of the
 * node's default conflict scope and resolver.
 */
public record TableConfig(String name, Optional<String> filter, Optional<List<String>> columns,
                          Optional<ConflictScope> scope, Optional<ResolverSpec> resolver) {
    public TableConfig {
        Objects.requireNonNull(name);
        filter = filter.filter(f -> !f.isBlank());
        columns = columns.map(List::copyOf);
    }

    public static TableConfig of(String name) {
        return new TableConfig(name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public TableConfig withFilter(String sql) {
        return new TableConfig(name, Optional.ofNullable(sql), columns, scope, resolver);
    }

    public TableConfig withColumns(List<String> subset) {
        return new TableConfig(name, filter, Optional.ofNullable(subset), scope, resolver);
    }

    public TableConfig withScope(ConflictScope s) {
        return new TableConfig(name, filter, columns, Optional.ofNullable(s), resolver);
    }

    public TableConfig withResolver(ResolverSpec r) {
        return new TableConfig(name, filter, columns, scope, Optional.ofNullable(r));
    }
}
