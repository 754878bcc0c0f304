package dev.converge.workbench.api;

import dev.converge.conflict.ConflictQuery;
import dev.converge.conflict.ConflictSort;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.model.NodeId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A conflict list's parameters as text (the API's query parameters, a bulk decision's filter object, the command
 * line's options), checked and turned into a {@link ConflictQuery} and a page position:
 * {@code status} and {@code type} (comma-separated words), {@code table}, {@code origin}, {@code from} and
 * {@code until} (ISO-8601 instants), {@code key} (text in the key), {@code sort} ({@code newest}, {@code oldest},
 * {@code table}, {@code type}), {@code after} (a page's {@code next}) and {@code limit} (1 to {@link #MAX_LIMIT},
 * default {@link #DEFAULT_LIMIT}). A bad value is an {@link IllegalArgumentException} saying what was expected. Immutable.
 */
public record ConflictFilter(ConflictQuery query, Optional<Long> after, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1_000;

    /** Reads the parameters through {@code param} (null where a parameter is absent). */
    public static ConflictFilter from(UnaryOperator<String> param) {
        ConflictQuery q = ConflictQuery.all()
            .withStatuses(words(param.apply("status"), "status", ConflictStatus::parse))
            .withTypes(words(param.apply("type"), "type", ConflictType::parse))
            .withTable(present(param.apply("table")))
            .withOrigin(present(param.apply("origin")).map(o -> parse("origin", o, NodeId::of)))
            .withDetected(present(param.apply("from")).map(t -> instant("from", t)), present(param.apply("until")).map(t -> instant("until", t)))
            .withKeyText(present(param.apply("key")))
            .withSort(present(param.apply("sort")).map(s -> parse("sort", s, ConflictSort::parse)).orElse(ConflictSort.NEWEST));
        Optional<Long> after = present(param.apply("after")).map(a -> parse("after", a, Long::parseLong));
        int limit = present(param.apply("limit")).map(l -> parse("limit", l, Integer::parseInt)).orElse(DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequest("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        return new ConflictFilter(q, after, limit);
    }

    private static Optional<String> present(String text) {
        return Optional.ofNullable(text).map(String::strip).filter(t -> !t.isEmpty());
    }

    private static <T> Set<T> words(String text, String name, Function<String, T> parse) {
        return present(text).map(t -> Arrays.stream(t.split(",")).map(String::strip).filter(w -> !w.isEmpty())
            .map(w -> parse(name, w, parse)).collect(Collectors.toCollection(LinkedHashSet::new))).map(s -> (Set<T>) s).orElse(Set.of());
    }

    private static Instant instant(String name, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequest(name + " must be an ISO-8601 instant such as 2026-12-02T10:00:00Z, not '" + text + "'");
        }
    }

    private static <T> T parse(String name, String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(name + ": " + (e instanceof NumberFormatException ? "'" + text + "' is not a number" : e.getMessage()));
        }
    }
}
