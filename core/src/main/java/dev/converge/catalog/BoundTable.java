package dev.converge.catalog;

import dev.converge.config.ReplicatedTable;
import dev.converge.dialect.Dialect;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.ShadowTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/**
 * A replicated table bound to the live database: its {@link ReplicatedTable} description, the jOOQ table and typed
 * column fields, the columns the database fills itself ({@link Generated}), how each column's values travel and are
 * written back ({@link ColumnType}), its shadow table, and its {@code uniques}: the column sets other than the primary key
 * that a unique constraint or a plain unique index (no predicate, no expression) makes unique, limited to those whose
 * columns are all replicated (only those can be judged between two peers' writes), and its {@code references}: its
 * foreign keys ({@link Reference}). Immutable; thread-safe.
 */
public record BoundTable(ReplicatedTable spec, Table<Record> table, Map<String, Field<Object>> fieldsByName, ShadowTable shadow,
                         Generated generated, Map<String, ColumnType> types, Dialect dialect, List<List<String>> uniques,
                         List<Reference> references) {
    public BoundTable {
        types = Map.copyOf(types);
        uniques = uniques.stream().map(List::copyOf).toList();
        references = List.copyOf(references);
    }

    /**
     * By the table's name only: a bound table keys the maps of every sequencing and apply, and the record's own hash
     * would walk its columns, types and fields each time. Equal tables (the record's equality,
     * by every component) have equal names, so the two agree.
     */
    @Override
    public int hashCode() {
        return spec.name().hashCode();
    }

    /** How a column's values travel; {@link ColumnType#NATIVE} for a column the catalog did not describe. */
    public ColumnType type(String column) {
        ColumnType t = types.get(column);
        if (t != null) {
            return t;
        }
        return types.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(column)).map(Map.Entry::getValue).findFirst()
            .orElse(ColumnType.NATIVE);
    }

    /** The {@code ?} a value of the column is written through (see {@link ColumnType#placeholder}). */
    public Field<Object> placeholder(Field<Object> column) {
        return type(column.getName()).placeholder(column, dialect);
    }

    public String name() {
        return spec.name();
    }

    /** The typed field of a column, matched ignoring case. */
    public Field<Object> field(String column) {
        Field<Object> f = fieldsByName.get(column);
        if (f != null) {
            return f;
        }
        for (Map.Entry<String, Field<Object>> e : fieldsByName.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("table " + name() + " has no column " + column);
    }

    public List<Field<Object>> keyFields() {
        return spec.keyColumns().stream().map(this::field).toList();
    }

    public List<Field<Object>> replicatedFields() {
        return spec.columns().stream().map(this::field).toList();
    }

    /** The key as typed values in key-column order, ready to bind. */
    public List<Object> typedKey(RowKey key) {
        List<Object> out = new ArrayList<>();
        for (String c : spec.keyColumns()) {
            out.add(typed(field(c), key.values().get(c.toLowerCase(java.util.Locale.ROOT))));
        }
        return out;
    }

    /** The key of a row from its key values in key-column order, as a shadow table returns them (the inverse of {@link #typedKey}). */
    public RowKey keyOf(List<Object> keyValues) {
        Map<String, Object> key = new java.util.LinkedHashMap<>();
        for (int i = 0; i < spec.keyColumns().size(); i++) {
            key.put(spec.keyColumns().get(i), keyValues.get(i));
        }
        return new RowKey(key);
    }

    /** A value of a column from a row image, ready to bind to the column's {@link #placeholder}. */
    public Object typedValue(RowImage image, String column) {
        return type(column).bindValue(field(column), image.get(column), dialect);
    }

    /** Binary values travel as base64 text (see {@link dev.converge.model.Values}); jOOQ would bind the text's own bytes. */
    private static Object typed(Field<Object> f, Object canonical) {
        if (canonical instanceof String s && f.getDataType().isBinary()) {
            return java.util.Base64.getDecoder().decode(s);
        }
        if (canonical instanceof String s && java.time.temporal.Temporal.class.isAssignableFrom(f.getType())) {
            return temporal(f.getType(), s);
        }
        return f.getDataType().convert(canonical);
    }

    /**
     * An ISO date or time (signed years, proleptic Gregorian) parsed by java.time itself: jOOQ's conversion goes through
     * {@code java.sql.Timestamp}, whose hybrid calendar moves the days 1582-10-05 to 10-14 ten days on, so a key of
     * such a date would miss its row.
     */
    private static Object temporal(Class<?> type, String iso) {
        if (type == java.time.LocalDate.class) {
            return java.time.LocalDate.parse(iso);
        }
        if (type == java.time.LocalDateTime.class) {
            return java.time.LocalDateTime.parse(iso);
        }
        if (type == java.time.OffsetDateTime.class) {
            return java.time.OffsetDateTime.parse(iso);
        }
        if (type == java.time.LocalTime.class) {
            return java.time.LocalTime.parse(iso);
        }
        if (type == java.time.OffsetTime.class) {
            return java.time.OffsetTime.parse(iso);
        }
        throw new IllegalArgumentException("a key column of type " + type.getSimpleName() + " is not supported");
    }

    /**
     * A row image as capture wrote it, in canonical form: PostgreSQL's {@code row_to_json} writes bytea as hex, dates
     * of years BC with a suffix, timestamptz in the session's zone (see {@link ColumnType#canonicalFromPostgres}). H2's
     * capture writes canonical values already.
     */
    public RowImage canonical(RowImage captured) {
        if (dialect != Dialect.POSTGRESQL) {
            return captured;
        }
        Map<String, Object> fixed = new java.util.LinkedHashMap<>();
        captured.values().forEach((column, value) -> {
            ColumnType type = types.get(column);
            if (value instanceof String && type != null && type.carrier() != ColumnType.Carrier.NATIVE) {
                Object canonical = type.canonicalFromPostgres(value);
                if (!canonical.equals(value)) {
                    fixed.put(column, canonical);
                }
            }
        });
        return fixed.isEmpty() ? captured : captured.with(fixed);
    }

    /** The key of a row image, canonical. */
    public RowKey keyOf(RowImage image) {
        return spec.keyOf(image);
    }
}
