package dev.converge.workbench.web.merge;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Turns the text a person typed for a column into the value a {@code RowImage} holds for it (the canonical values of
 * {@code dev.converge.model.Values}): a whole number where the column's other values are whole numbers, an exact
 * decimal where they are decimals, {@code true}/{@code false} for a boolean; otherwise the text itself, which the
 * decision service hands to the database with the column's type (dates and times as ISO-8601 text, e.g.
 * {@code 2026-12-02} or {@code 2026-12-02T10:15:00}). The column's type is learned from its values on either side;
 * when every one is NULL the text goes as it is, and a value the database refuses comes back as a refused decision.
 * Pure functions; thread-safe.
 */
public final class TypedValue {
    private TypedValue() {
    }

    /**
     * The value of {@code text} for a column whose known values are {@code samples} (nulls ignored).
     *
     * @throws IllegalArgumentException with a sentence for the person, if the text is not such a value
     */
    public static Object of(String text, List<Object> samples) {
        Objects.requireNonNull(text);
        Object sample = samples.stream().filter(Objects::nonNull).findFirst().orElse(null);
        String t = text.strip();
        if (sample instanceof Long) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
        }
        if (sample instanceof BigDecimal) {
            try {
                return new BigDecimal(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number (write it like 12.50)");
            }
        }
        if (sample instanceof Boolean) {
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t);
            }
            throw new IllegalArgumentException("'" + text + "' is not true or false");
        }
        return text; // text keeps its spaces: they may matter
    }
}
