package dev.converge.resolvers.guide;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.RowImage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guide's example (docs/custom-resolvers.md): of two concurrent writes of a row, the one that leaves the higher
 * stock count wins; equal counts, a delete on either side, or a row without a count go by the latest timestamp.
 * Every peer sees the same two writes and compares the same two numbers, so two peers decide alike (in a mesh of
 * three, chained writes can still make them differ: see the guide). The count is column {@code stock}, or the one
 * named by the parameter {@code column} ({@code {name: higher-stock-wins, column: [qty]}}). Immutable; thread-safe.
 */
public final class HigherStockWins implements ConflictResolver {
    private static final TimestampResolver LATEST = new TimestampResolver();

    private final String column;

    public HigherStockWins() {
        this("stock");
    }

    private HigherStockWins(String column) {
        this.column = column;
    }

    @Override
    public String name() {
        return "higher-stock-wins";
    }

    /** Takes {@code column}: the count's column, one name. */
    @Override
    public ConflictResolver withParameters(Map<String, List<String>> parameters) {
        List<String> named = parameters.getOrDefault("column", List.of(column));
        if (named.size() != 1 || parameters.keySet().stream().anyMatch(k -> !k.equals("column"))) {
            throw new IllegalArgumentException("resolver higher-stock-wins takes one parameter, column: [NAME]; found " + parameters);
        }
        return new HigherStockWins(named.get(0));
    }

    @Override
    public Resolution resolve(Conflict c) {
        Optional<BigDecimal> local = c.local().flatMap(this::stock);
        Optional<BigDecimal> remote = c.remote().after().flatMap(this::stock);
        if (local.isEmpty() || remote.isEmpty() || local.get().compareTo(remote.get()) == 0) {
            return LATEST.resolve(c);
        }
        return remote.get().compareTo(local.get()) > 0 ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
    }

    /** The row's stock count; column names arrive as the database spells them (STOCK on H2). */
    private Optional<BigDecimal> stock(RowImage row) {
        return row.values().entrySet().stream()
            .filter(e -> e.getKey().equalsIgnoreCase(column) && e.getValue() instanceof Number)
            .map(e -> new BigDecimal(e.getValue().toString()))
            .findFirst();
    }
}
