package dev.converge.config;

import dev.converge.conflict.ConflictType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules by which a node replicates one table, as bound to its database: what two peers must agree on to converge
 * (they compare them when they connect). Resolvers are given as they take effect: the rule for every conflict type a
 * resolver decides, after the table's and the defaults' per-type rules are applied, so two configurations that say the
 * same thing in different words compare equal. Immutable.
 *
 * @param table the table's name, as the database spells it
 * @param keyColumns the primary-key columns, in key order
 * @param columns the replicated columns
 * @param filter the row filter, if any
 * @param scope the conflict scope
 * @param resolverByType the rule that decides each conflict type a resolver decides, e.g. {@code timestamp then site-priority}
 */
public record TableRules(String table, List<String> keyColumns, List<String> columns, Optional<String> filter,
                         ConflictScope scope, Map<ConflictType, ResolverSpec> resolverByType) {
    public TableRules {
        Objects.requireNonNull(table);
        keyColumns = List.copyOf(keyColumns);
        columns = List.copyOf(columns);
        Objects.requireNonNull(filter);
        Objects.requireNonNull(scope);
        resolverByType = Map.copyOf(resolverByType);
    }

    /** The rules of {@code table} under {@code config}. */
    public static TableRules of(NodeConfig config, ReplicatedTable table) {
        Map<ConflictType, ResolverSpec> byType = new EnumMap<>(ConflictType.class);
        for (ConflictType type : ConflictType.values()) {
            if (type != ConflictType.TRANSACTION && type != ConflictType.ERROR) {
                byType.put(type, config.resolverOf(table.name(), type));
            }
        }
        return new TableRules(table.name(), table.keyColumns(), table.columns(), table.filter(), config.scopeOf(table.name()), byType);
    }
}
