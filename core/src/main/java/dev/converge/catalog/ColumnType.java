package dev.converge.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSetCodec;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * How the values of one column travel (their canonical form, see {@link dev.converge.model.Values}) and how they are
 * written back. Values Java models faithfully go through jOOQ's own binding ({@link Carrier#NATIVE}); every other
 * value is bound as its text and converted by the database itself to the column's own type (PostgreSQL:
 * {@code CAST(? AS <the column's type>)}; H2 converts text on assignment), so no JDBC date class, no double and no
 * driver guess ever stands between the origin's value and the target's.
 *
 * <p>Immutable; thread-safe.
 *
 * @param carrier how the value travels
 * @param sqlType the column's type as the database spells it ({@code format_type} on PostgreSQL), quoted where it
 *                needs to be, for the cast; null where no cast is written
 * @param why     for a {@link Carrier#REFUSED} type, why it cannot replicate; else null
 */
public record ColumnType(Carrier carrier, String sqlType, String why) {
    /** How a column's values travel. */
    public enum Carrier {
        /** Integers, booleans, character strings, UUIDs, JSON: as jOOQ binds them. */
        NATIVE,
        /** Bytes, carried as base64. */
        BINARY,
        /** A date: ISO-8601, astronomical years; PostgreSQL's {@code infinity} as is. */
        DATE,
        /** A timestamp without time zone: as {@link #DATE}. */
        TIMESTAMP,
        /** PostgreSQL's timestamptz, an instant: ISO-8601 in UTC. */
        TIMESTAMPTZ,
        /** H2's JSON: its text, bound {@code FORMAT JSON} (bound as text it would become a JSON string). */
        JSON,
        /** Arrays: the JSON text of their elements. */
        ARRAY,
        /** Everything else (numbers with their scale or NaN, times, enums, inet, ranges, ...): the database's text. */
        TEXT,
        /** Not replicated: refused when the node opens (see {@link #why}). */
        REFUSED
    }

    public ColumnType(Carrier carrier, String sqlType) {
        this(carrier, sqlType, null);
    }

    /** A type Converge refuses, spelled {@code sqlType}, for the reason given. */
    static ColumnType refused(String sqlType, String why) {
        return new ColumnType(Carrier.REFUSED, sqlType, why);
    }

    public static final ColumnType NATIVE = new ColumnType(Carrier.NATIVE, null);

    /** PostgreSQL's output of a date or timestamp before year 1: {@code 0044-03-15 BC}. */
    private static final String BC = " BC";

    /**
     * A PostgreSQL column from its catalog entry: {@code typname} and {@code typcategory} of {@code pg_type} and
     * {@code format_type(atttypid, atttypmod)}.
     */
    static ColumnType postgres(String typname, String category, String formatted) {
        if ("A".equals(category)) {
            return new ColumnType(Carrier.ARRAY, formatted);
        }
        return switch (typname) {
            case "int2", "int4", "int8", "bool", "text", "varchar", "bpchar", "name", "uuid", "json", "jsonb", "char" -> NATIVE;
            case "bytea" -> new ColumnType(Carrier.BINARY, null);
            case "date" -> new ColumnType(Carrier.DATE, formatted);
            case "timestamp" -> new ColumnType(Carrier.TIMESTAMP, formatted);
            case "timestamptz" -> new ColumnType(Carrier.TIMESTAMPTZ, formatted);
            default -> new ColumnType(Carrier.TEXT, formatted);
        };
    }

    /** An H2 column from the type jOOQ read from the catalog (after {@link TableCatalog#javaTime}). */
    static ColumnType h2(DataType<?> type) {
        if (type.isArray()) {
            return new ColumnType(Carrier.ARRAY, null);
        }
        if (type.getType() == java.util.UUID.class || "uuid".equalsIgnoreCase(type.getTypeName())) {
            return new ColumnType(Carrier.TEXT, null);
        }
        if (type.isBinary()) {
            return new ColumnType(Carrier.BINARY, null);
        }
        Class<?> java = type.getType();
        if (java == LocalDate.class) {
            return new ColumnType(Carrier.DATE, null);
        }
        if (java == LocalDateTime.class) {
            return new ColumnType(Carrier.TIMESTAMP, null);
        }
        boolean integral = java == Long.class || java == Integer.class || java == Short.class || java == Byte.class;
        if (type.isJSON()) {
            return new ColumnType(Carrier.JSON, null);
        }
        boolean plain = integral || java == Boolean.class || java == String.class;
        return plain ? NATIVE : new ColumnType(Carrier.TEXT, null);
    }

    /**
     * A value of this column as PostgreSQL's capture wrote it ({@code row_to_json}), in canonical form: bytea's hex as
     * base64, {@code BC} dates with astronomical years, timestamptz in UTC. H2's capture writes canonical values already.
     */
    Object canonicalFromPostgres(Object value) {
        if (!(value instanceof String s)) {
            return value;
        }
        return switch (carrier) {
            case BINARY -> s.startsWith("\\x") ? Base64.getEncoder().encodeToString(HexFormat.of().parseHex(s.substring(2))) : s;
            case DATE -> isInfinity(s) ? s : LocalDate.parse(signedYear(astronomical(s))).toString();
            case TIMESTAMP -> isInfinity(s) ? s : Canonical.timestamp(LocalDateTime.parse(signedYear(astronomical(s))));
            case TIMESTAMPTZ -> isInfinity(s) ? s : Canonical.instant(OffsetDateTime.parse(signedYear(astronomical(s))));
            default -> s;
        };
    }

    /** {@code 0044-03-15 BC} as {@code -0043-03-15}; other text unchanged. */
    private static String astronomical(String s) {
        if (!s.endsWith(BC)) {
            return s;
        }
        String t = s.substring(0, s.length() - BC.length());
        int dash = t.indexOf('-');
        long year = 1 - Long.parseLong(t.substring(0, dash));
        return (year < 0 ? String.format("-%04d", -year) : String.format("%04d", year)) + t.substring(dash);
    }

    /** PostgreSQL writes years after 9999 with five digits and no sign; ISO-8601 (and java.time) wants the sign. */
    private static String signedYear(String s) {
        int dash = s.indexOf('-');
        return dash > 4 && Character.isDigit(s.charAt(0)) ? "+" + s : s;
    }

    private static boolean isInfinity(String s) {
        return s.equals("infinity") || s.equals("-infinity");
    }

    /** The value to bind for a canonical value of this column (see {@link #placeholder}). */
    Object bindValue(Field<Object> f, Object canonical, Dialect dialect) {
        if (canonical == null) {
            return null;
        }
        return switch (carrier) {
            case NATIVE -> f.getDataType().convert(canonical);
            case BINARY -> canonical instanceof String s ? Base64.getDecoder().decode(s) : f.getDataType().convert(canonical);
            case ARRAY -> dialect == Dialect.POSTGRESQL ? ArrayValues.postgresLiteral(json(canonical)) : ArrayValues.h2Array(f.getDataType(), json(canonical));
            case DATE, TIMESTAMP, TIMESTAMPTZ -> dialect == Dialect.POSTGRESQL ? postgresDateText(canonical.toString()) : canonical.toString();
            case JSON -> canonical.toString();
            case TEXT -> canonical instanceof BigDecimal d ? d.toPlainString() : canonical.toString();
            case REFUSED -> throw new IllegalStateException("a column of type " + sqlType + " is not replicated");
        };
    }

    private static JsonNode json(Object canonical) {
        try {
            return ChangeSetCodec.mapper().readTree(canonical.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("an array value must be a JSON array, not " + canonical, e);
        }
    }

    /** An ISO date or timestamp as PostgreSQL reads it: it takes no signed years, but {@code BC}. */
    private static String postgresDateText(String iso) {
        return dev.converge.shadow.PostgresDates.text(iso);
    }

    /**
     * The {@code ?} a value of this column is bound to: cast to the column's type where PostgreSQL needs that (it will
     * not assign a varchar to an enum, an inet, a date, ...); H2 converts text to the column's type on assignment.
     */
    Field<Object> placeholder(Field<Object> f, Dialect dialect) {
        return switch (carrier) {
            case NATIVE, BINARY -> DSL.val(null, f.getDataType());
            case JSON -> DSL.field("{0} FORMAT JSON", f.getDataType(), DSL.val(null, SQLDataType.VARCHAR));
            default -> dialect == Dialect.POSTGRESQL && sqlType != null
                ? DSL.field("CAST({0} AS " + sqlType + ")", f.getDataType(), DSL.val(null, SQLDataType.VARCHAR))
                : carrier == Carrier.ARRAY ? DSL.val(null, f.getDataType()) : DSL.field("{0}", f.getDataType(), DSL.val(null, SQLDataType.VARCHAR));
        };
    }

    /** Canonical texts of dates and instants. */
    static final class Canonical {
        private Canonical() {
        }

        static String timestamp(LocalDateTime t) {
            return t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        }

        static String instant(OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
    }
}
