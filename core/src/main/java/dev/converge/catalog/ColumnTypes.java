package dev.converge.catalog;

import dev.converge.config.ConfigError;
import dev.converge.dialect.Dialect;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The {@link ColumnType} of every column of a table, read from the database's catalog once when the node binds (one
 * query per table), and the types Converge refuses to replicate. Stateless; thread-safe; runs in the caller's
 * transaction.
 */
final class ColumnTypes {
    /** H2 types whose values have no text or bytes both peers read alike: serialised Java objects, row values. */
    private static final Set<String> H2_REFUSED = Set.of("JAVA_OBJECT", "OTHER", "ROW");

    private ColumnTypes() {
    }

    static Map<String, ColumnType> of(DSLContext ctx, Dialect dialect, String table, Map<String, Field<Object>> fields) {
        return dialect == Dialect.POSTGRESQL ? postgres(ctx, table) : h2(fields);
    }

    /** The catalog's own description of each column: its type's name, category and spelling with modifiers. */
    private static Map<String, ColumnType> postgres(DSLContext ctx, String table) {
        Map<String, ColumnType> out = new LinkedHashMap<>();
        for (Record r : catalog(ctx, table)) {
            String formatted = r.get(3, String.class);
            out.put(r.get(0, String.class), Boolean.TRUE.equals(r.get(4, Boolean.class))
                ? ColumnType.refused(formatted, "a composite value travels as a JSON object that no cast reads back")
                : ColumnType.postgres(r.get(1, String.class), r.get(2, String.class), formatted));
        }
        return out;
    }

    /** Per column: name, typname, typcategory, format_type, and whether the type (or the array's element) is composite. */
    private static List<Record> catalog(DSLContext ctx, String table) {
        return ctx.fetch("SELECT a.attname, t.typname, t.typcategory, format_type(a.atttypid, a.atttypmod),"
            + " (t.typtype = 'c' OR e.typtype = 'c') AS composite"
            + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'"
            + " WHERE a.attrelid = CAST({0} AS regclass) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            DSL.inline(ctx.render(DSL.name(table))));
    }

    private static Map<String, ColumnType> h2(Map<String, Field<Object>> fields) {
        Map<String, ColumnType> out = new LinkedHashMap<>();
        fields.forEach((name, f) -> {
            String typeName = f.getDataType().getTypeName().toUpperCase(java.util.Locale.ROOT);
            out.put(name, H2_REFUSED.contains(typeName) || typeName.startsWith("ROW")
                ? ColumnType.refused(typeName, "its values have no form both databases read alike") : ColumnType.h2(f.getDataType()));
        });
        return out;
    }

    /**
     * The first replicated column whose type cannot replicate ({@link ColumnType.Carrier#REFUSED}), as an error naming
     * table, column and type.
     */
    static Optional<ConfigError> refusal(String where, List<String> columns, Map<String, ColumnType> types) {
        return refusal(where, columns, types, List.of(), Map.of());
    }

    /**
     * As above, and a primary-key column of a type jOOQ has no Java type for (an enum, an inet, an array, ...): rows are
     * looked up by typed key values, which such a column cannot take yet.
     */
    static Optional<ConfigError> refusal(String where, List<String> columns, Map<String, ColumnType> types, List<String> key,
                                         Map<String, Field<Object>> fields) {
        Optional<String> badKey = key.stream().filter(k -> fields.containsKey(k) && types.containsKey(k)
            && types.get(k).carrier() != ColumnType.Carrier.NATIVE
            && (fields.get(k).getDataType().getType() == Object.class || fields.get(k).getDataType().isArray())).findFirst();
        if (badKey.isPresent()) {
            String k = badKey.get();
            return Optional.of(new ConfigError(where, "primary-key column " + k + " is of type " + Optional.ofNullable(types.get(k).sqlType())
                .orElse(fields.get(k).getDataType().getTypeName()) + ", which Converge cannot use as a key yet (rows are looked up by"
                + " typed key values); use a key of a numeric, text, date or time type"));
        }
        return columns.stream().filter(c -> types.containsKey(c) && types.get(c).carrier() == ColumnType.Carrier.REFUSED).findFirst()
            .map(c -> new ConfigError(where, "column " + c + " is of type " + types.get(c).sqlType() + ", which Converge cannot"
                + " replicate (" + types.get(c).why() + "); leave it out with a column subset"));
    }
}
