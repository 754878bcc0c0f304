package dev.converge.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.UUID;

/**
 * The canonical form of a column value inside a {@link RowImage}: {@code null}, {@link String}, {@link Boolean},
 * {@link Long} (every integral number), {@link BigDecimal} (every other number, trailing zeros stripped).
 * Dates and times become ISO-8601 strings, binary values base64. Row images from H2 and from PostgreSQL's jsonb
 * therefore compare equal when the values are equal, and every image survives a JSON round trip unchanged.
 *
 * <p>Pure functions; thread-safe.
 */
public final class Values {
    private Values() {
    }

    public static Object canonical(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return canonicalDecimal(new BigDecimal(big));
        }
        if (value instanceof BigDecimal dec) {
            return canonicalDecimal(dec);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            return canonicalDecimal(BigDecimal.valueOf(d));
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (value instanceof Timestamp ts) {
            return iso(ts.toLocalDateTime());
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof Time time) {
            return time.toLocalTime().format(DateTimeFormatter.ISO_LOCAL_TIME);
        }
        if (value instanceof LocalDateTime ldt) {
            return iso(ldt);
        }
        if (value instanceof LocalDate || value instanceof UUID) {
            return value.toString();
        }
        if (value instanceof LocalTime lt) {
            return lt.format(DateTimeFormatter.ISO_LOCAL_TIME);
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        if (value instanceof TemporalAccessor) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }

    private static String iso(LocalDateTime ldt) {
        return ldt.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    private static Object canonicalDecimal(BigDecimal dec) {
        BigDecimal stripped = dec.signum() == 0 ? BigDecimal.ZERO : dec.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 18) {
            return stripped.longValueExact();
        }
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Equality by value after canonicalisation: 1.50 equals 1.5, an INT 7 equals a BIGINT 7. */
    public static boolean same(Object a, Object b) {
        Object ca = canonical(a);
        Object cb = canonical(b);
        if (ca == null || cb == null) {
            return ca == cb;
        }
        if (ca instanceof BigDecimal x && cb instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        return ca.equals(cb);
    }
}
