package dev.converge.specs.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where parts of a scenario are written, so that a problem only the database finds (an unknown table, a bad filter,
 * a failing schema statement) is reported at its line like a problem in the file itself. Keys are paths as in
 * messages: {@code schema} (the line its text starts on), {@code defaults.resolver}, {@code tables},
 * {@code tables.pers}, {@code tables.pers.filter} (also {@code columns}, {@code resolver}), {@code initial.pers},
 * {@code initial.pers[0]}, {@code initial.pers[0].nume}; values are 1-based lines.
 */
public record SourceLines(Map<String, Integer> lines) {
    /** For a scenario built without a file: every problem is on line 1. */
    public static final SourceLines NONE = new SourceLines(Map.of());

    public SourceLines {
        lines = Collections.unmodifiableMap(new LinkedHashMap<>(lines));
    }

    public Optional<Integer> find(String path) {
        return Optional.ofNullable(lines.get(path));
    }

    /** The line of {@code path}, else of the first of {@code fallbacks} that is known, else 1. */
    public int of(String path, String... fallbacks) {
        Optional<Integer> line = find(path);
        for (int i = 0; line.isEmpty() && i < fallbacks.length; i++) {
            line = find(fallbacks[i]);
        }
        return line.orElse(1);
    }
}
