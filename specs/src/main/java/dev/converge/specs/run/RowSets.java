package dev.converge.specs.run;

import dev.converge.model.Values;
import dev.converge.specs.model.Row;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Rows compared as multisets (any order, duplicates count), per the format's rule for values: numbers by value,
 * strings exactly, null as SQL NULL, dates and times as ISO-8601 text; column names ignoring case.
 */
final class RowSets {
    /** The ISO forms text is tried as, in order, when two texts differ. */
    private static final List<Function<String, Object>> TEMPORAL = List.of(
        LocalDate::parse, LocalTime::parse, OffsetDateTime::parse, LocalDateTime::parse);

    private RowSets() {
    }

    /** What is missing from {@code actual} and what it has in excess; empty both when they hold the same rows. */
    record Diff(List<Map<String, Object>> missing, List<Map<String, Object>> unexpected) {
        boolean isEmpty() {
            return missing.isEmpty() && unexpected.isEmpty();
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add("missing " + format(missing));
            }
            if (!unexpected.isEmpty()) {
                parts.add("unexpected " + format(unexpected));
            }
            return String.join("; ", parts);
        }
    }

    static Diff diff(List<? extends Map<String, ?>> expected, List<? extends Map<String, ?>> actual) {
        return diff(expected, actual, RowSets::same);
    }

    /** As above, rows matched by {@code sameRow} (both normalised) instead of the scenario format's value rules. */
    static Diff diff(List<? extends Map<String, ?>> expected, List<? extends Map<String, ?>> actual,
                     java.util.function.BiPredicate<Map<String, Object>, Map<String, Object>> sameRow) {
        List<Map<String, Object>> unmatched = new ArrayList<>(actual.stream().map(RowSets::normalize).toList());
        List<Map<String, Object>> missing = new ArrayList<>();
        for (Map<String, ?> row : expected) {
            Map<String, Object> wanted = normalize(row);
            Optional<Map<String, Object>> found = unmatched.stream().filter(a -> sameRow.test(wanted, a)).findFirst();
            if (found.isPresent()) {
                unmatched.remove(found.get());
            } else {
                missing.add(wanted);
            }
        }
        return new Diff(missing, unmatched);
    }

    static List<Map<String, Object>> expectedRows(List<Row> rows) {
        return rows.stream().map(Row::values).map(RowSets::normalize).toList();
    }

    /** Lower-case column names, canonical values; column order kept for messages. */
    static Map<String, Object> normalize(Map<String, ?> row) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), Values.canonical(v)));
        return out;
    }

    /** Same columns, each value the same; both rows already normalised. */
    static boolean same(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.entrySet().stream().allMatch(e -> sameValue(e.getValue(), b.get(e.getKey())));
    }

    /** Values per the format; text that reads as a date or time compares as that date or time ("12:00" is "12:00:00"). */
    static boolean sameValue(Object a, Object b) {
        if (Values.same(a, b)) {
            return true;
        }
        if (a instanceof String x && b instanceof String y) {
            Optional<Object> tx = temporal(x);
            return tx.isPresent() && tx.equals(temporal(y));
        }
        return false;
    }

    private static Optional<Object> temporal(String text) {
        String iso = text.strip().replace(' ', 'T');
        for (Function<String, Object> parse : TEMPORAL) {
            try {
                return Optional.of(Values.canonical(parse.apply(iso)));
            } catch (DateTimeParseException e) {
                // not this kind of date or time; try the next
            }
        }
        return Optional.empty();
    }

    static String format(List<? extends Map<String, ?>> rows) {
        return rows.stream().map(Row::format).collect(Collectors.joining(", ", "[", "]"));
    }
}
