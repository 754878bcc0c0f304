package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.RowImage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code delta}: the configured numeric columns are counters — {@code {name: delta, columns: [qty, total]}} — so
 * concurrent changes of them all count: the merged row holds the local value plus the incoming change's increment
 * (new minus old; an insert's increment is its value; NULL counts as 0). Every other column is merged as {@code
 * column-merge} merges it (the latest write that changed it wins), and conflicts about the row's existence (a delete, a
 * missing row) go by the {@code timestamp} rule. Converges, with every increment counted once on every peer, for exact
 * types (integers, {@code DECIMAL}/{@code NUMERIC}); floating-point sums depend on the order of addition, so peers may
 * end a rounding error apart on {@code REAL}/{@code DOUBLE} columns.
 *
 * <p>Immutable once configured ({@link #withParameters}); thread-safe. The registered instance has no columns and
 * refuses to resolve: a table must name its counters.
 */
public final class DeltaResolver implements ConflictResolver {
    public static final String NAME = "delta";
    private static final TimestampResolver TIMESTAMP = new TimestampResolver();

    private final List<String> columns;

    /** The registered instance, before configuration (ServiceLoader needs a public no-argument constructor). */
    public DeltaResolver() {
        this(List.of());
    }

    private DeltaResolver(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean merges() {
        return true;
    }

    /** Takes {@code columns}: the counter columns, at least one. */
    @Override
    public ConflictResolver withParameters(Map<String, List<String>> parameters) {
        for (String key : parameters.keySet()) {
            if (!key.equals("columns")) {
                throw new IllegalArgumentException("resolver delta takes only the parameter columns (its counter columns), found " + key);
            }
        }
        List<String> counters = parameters.getOrDefault("columns", List.of());
        if (counters.isEmpty()) {
            throw new IllegalArgumentException("resolver delta needs its counter columns: {name: delta, columns: [COLUMN, ...]}");
        }
        return new DeltaResolver(counters);
    }

    /** The counter columns; empty for the registered, unconfigured instance. */
    public List<String> columns() {
        return columns;
    }

    @Override
    public Resolution resolve(Conflict c) {
        if (columns.isEmpty()) {
            throw new IllegalStateException("resolver delta has no counter columns configured");
        }
        if (!ColumnMergeResolver.bothLive(c)) {
            return TIMESTAMP.resolve(c);
        }
        RowImage local = c.local().orElseThrow();
        RowImage after = c.remote().after().orElseThrow();
        Map<String, Object> sums = new LinkedHashMap<>();
        for (String column : columns) {
            if (!local.has(column)) {
                throw new IllegalArgumentException("delta column " + column + " is not a replicated column of table " + c.table());
            }
            Object old = c.remote().before().map(b -> b.get(column)).orElse(null);
            sums.put(column, add(local.get(column), subtract(after.get(column), old)));
        }
        return new Resolution.Merge(ColumnMergeResolver.latestPerColumn(c).with(sums));
    }

    /** Exact arithmetic whatever the driver's number class: integral values as long (BigInteger past it), else BigDecimal. */
    static Number add(Object a, Number b) {
        return normalize(decimal(a).add(decimal(b)));
    }

    static Number subtract(Object a, Object b) {
        return normalize(decimal(a).subtract(decimal(b)));
    }

    private static BigDecimal decimal(Object value) {
        if (value == null) {
            return BigDecimal.ZERO;
        }
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue());
        }
        if (value instanceof Number n) {
            return BigDecimal.valueOf(n.longValue());
        }
        throw new IllegalArgumentException("delta counts numbers; found " + value.getClass().getSimpleName() + " " + value);
    }

    private static Number normalize(BigDecimal d) {
        if (d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
            BigInteger i = d.toBigIntegerExact();
            return i.bitLength() < 64 ? (Number) i.longValue() : i;
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeltaResolver d && d.columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(NAME, columns);
    }

    @Override
    public String toString() {
        return "delta(columns=" + String.join(",", columns) + ")";
    }
}
