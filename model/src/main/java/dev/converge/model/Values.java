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
 * The canonical form of a column value inside a {@link RowImage}, the same on every database, so that a mesh may mix
 * H2 and PostgreSQL peers: {@code null}, {@link String}, {@link Boolean}, {@link Long} (every integral number without a
 * fraction), {@link BigDecimal} (every other exact number, its scale kept: NUMERIC 1.50 stays 1.50, not 1.5);
 * floating-point numbers as the shortest decimal that reads back as the same float or double. NaN and the infinities
 * (of floats and of PostgreSQL's NUMERIC) are the strings {@code NaN}, {@code Infinity}, {@code -Infinity}.
 * Dates and times are ISO-8601 strings in the proleptic Gregorian calendar with astronomical year numbering
 * ({@code -0043-03-15} is 44 BC; {@code +10000-01-01} after year 9999), as {@code java.time} prints them; a
 * {@code java.sql.Date}, {@code Time} or {@code Timestamp} is accepted for compatibility but loses days before 1582 and
 * fractions of a second, so nothing in the engine produces one. Binary values are base64; arrays are the JSON text of
 * their elements' canonical values ({@code [1,null,3]}); every other value (an enum label, an inet, a range, ...) is
 * the database's own text of it. Every image survives a JSON round trip unchanged.
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
            // a float's own shortest text: widening 0.1f to double would print 0.10000000149011612
            String text = value instanceof Float f ? Float.toString(f) : Double.toString(d);
            return canonicalDecimal(new BigDecimal(text).stripTrailingZeros());
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
        if (value instanceof java.time.OffsetTime ot) {
            return ot.format(DateTimeFormatter.ISO_OFFSET_TIME);
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
        if (value instanceof Object[] array) {
            return arrayJson(array);
        }
        return value.toString();
    }

    private static String iso(LocalDateTime ldt) {
        return ldt.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    /** Integral values without a fraction become Long when they fit; a scale (1.50, 0.00) is kept: it is part of the value. */
    private static Object canonicalDecimal(BigDecimal dec) {
        if (dec.scale() > 0) {
            return dec;
        }
        BigDecimal whole = dec.setScale(0);
        return whole.unscaledValue().bitLength() < 64 ? (Object) whole.longValueExact() : whole;
    }

    /** The JSON text of an array's elements in canonical form (nested arrays nested). */
    private static String arrayJson(Object[] array) {
        java.util.List<Object> elements = new java.util.ArrayList<>(array.length);
        for (Object e : array) {
            elements.add(e instanceof Object[] inner ? new RawJson(arrayJson(inner)) : canonical(e));
        }
        StringBuilder out = new StringBuilder("[");
        for (Object e : elements) {
            if (out.length() > 1) {
                out.append(',');
            }
            if (e instanceof RawJson raw) {
                out.append(raw.json());
            } else {
                try {
                    out.append(ChangeSetCodec.mapper().writeValueAsString(e));
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new IllegalStateException("cannot write array element " + e, ex);
                }
            }
        }
        return out.append(']').toString();
    }

    private record RawJson(String json) {
    }

    /**
     * Equality by value after canonicalisation: numbers by value (1.50 equals 1.5, an INT 7 equals a BIGINT 7, 1 equals
     * 1.0), everything else exactly. What a conflict check asks: "does the column hold the same value?"
     */
    public static boolean same(Object a, Object b) {
        Object ca = canonical(a);
        Object cb = canonical(b);
        if (ca == null || cb == null) {
            return ca == cb;
        }
        if (ca instanceof Number x && cb instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        return ca.equals(cb);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : n instanceof BigInteger i ? new BigDecimal(i) : BigDecimal.valueOf(n.longValue());
    }
}
