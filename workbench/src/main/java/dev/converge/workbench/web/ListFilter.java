package dev.converge.workbench.web;

import dev.converge.workbench.api.ConflictFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The conflict list's filter as the pages carry it: the parameters {@link ConflictFilter} reads (status, table, type,
 * origin, from, until, key, sort), as text, so links and hidden fields can repeat them. The time fields also take what
 * a browser's date-time input sends ({@code 2026-12-02T10:00}), read as UTC. Immutable.
 */
record ListFilter(Map<String, String> values) {
    static final List<String> NAMES = List.of("status", "table", "type", "origin", "from", "until", "key", "sort");
    private static final Pattern LOCAL_MINUTES = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");
    private static final Pattern LOCAL_SECONDS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?");

    ListFilter {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String n : NAMES) {
            String v = values.get(n);
            if (v != null && !v.isBlank()) {
                kept.put(n, v.strip());
            }
        }
        values = java.util.Collections.unmodifiableMap(kept);
    }

    /** The filter a request's parameters (query or form) name. */
    static ListFilter from(UnaryOperator<String> param) {
        Map<String, String> v = new LinkedHashMap<>();
        NAMES.forEach(n -> v.put(n, param.apply(n)));
        return new ListFilter(v);
    }

    String get(String name) {
        return values.getOrDefault(name, "");
    }

    /** The same filter with one parameter changed (an empty value removes it). */
    ListFilter with(String name, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(name, value);
        return new ListFilter(v);
    }

    /** Whether anything but the status and the order is filtered. */
    boolean narrows() {
        return values.keySet().stream().anyMatch(n -> !n.equals("status") && !n.equals("sort"));
    }

    /**
     * The checked query, a page after {@code after} (may be null) of {@code limit} records.
     *
     * @throws IllegalArgumentException with a message for the person, if a value is not what the list takes
     */
    ConflictFilter query(String after, int limit) {
        return ConflictFilter.from(name -> switch (name) {
            case "from", "until" -> utc(values.get(name));
            case "after" -> after;
            case "limit" -> Integer.toString(limit);
            default -> values.get(name);
        });
    }

    /** The list's address with this filter and more parameters: {@code /conflicts} or {@code /conflicts?a=1&b=2}. */
    String listLink(String... more) {
        String q = queryString(more);
        return q.isEmpty() ? "/conflicts" : "/conflicts?" + q;
    }

    /** The query string ({@code a=1&b=2}, encoded), with more parameters after the filter's. */
    String queryString(String... more) {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> append(out, k, v));
        for (int i = 0; i + 1 < more.length; i += 2) {
            append(out, more[i], more[i + 1]);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String k, String v) {
        if (out.length() > 0) {
            out.append('&');
        }
        out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    }

    private static String utc(String text) {
        if (text == null) {
            return null;
        }
        if (LOCAL_MINUTES.matcher(text).matches()) {
            return text + ":00Z";
        }
        if (LOCAL_SECONDS.matcher(text).matches()) {
            return text + "Z";
        }
        return text;
    }
}
