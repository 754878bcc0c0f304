package dev.converge.specs.model;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One row as a scenario writes it: column name, as written, to a YAML scalar ({@code null}, {@link String},
 * {@link Boolean}, {@link Long} or {@link BigDecimal}), in file order. Null values are allowed (SQL NULL), which is
 * why this is not a {@code Map.copyOf}.
 */
public record Row(Map<String, Object> values) {
    public Row {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A row from alternating column names and values: {@code Row.of("marca", 1325L, "nume", "Vasile")}. */
    public static Row of(Object... columnsAndValues) {
        if (columnsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Row.of needs column/value pairs");
        }
        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            values.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return new Row(values);
    }

    /** The row as YAML flow text, strings quoted so that {@code '7'} and {@code 7} read differently in a message. */
    @Override
    public String toString() {
        return format(values);
    }

    /** Formats any column map the way scenario messages show rows. */
    public static String format(Map<String, ?> values) {
        return values.entrySet().stream()
            .map(e -> e.getKey() + ": " + formatValue(e.getValue()))
            .collect(Collectors.joining(", ", "{", "}"));
    }

    public static String formatValue(Object value) {
        if (value instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return String.valueOf(value);
    }
}
