package dev.converge.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A resolver by name, with an optional secondary rule for exact ties ({@code {name: timestamp, then: site-priority}})
 * and optional parameters, each a list of words ({@code {name: delta, columns: [qty]}}). Which parameters a resolver
 * takes is the resolver's business ({@code ConflictResolver.withParameters}): a node refuses unknown ones at open.
 * Immutable.
 */
public record ResolverSpec(String name, Optional<ResolverSpec> then, Map<String, List<String>> parameters) {
    public static final ResolverSpec TIMESTAMP = of("timestamp");

    public ResolverSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(then);
        if (name.isBlank()) {
            throw new IllegalArgumentException("a resolver name may not be blank");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        parameters.forEach((k, v) -> copy.put(Objects.requireNonNull(k), List.copyOf(v)));
        parameters = Collections.unmodifiableMap(copy);
    }

    /** A resolver without parameters. */
    public ResolverSpec(String name, Optional<ResolverSpec> then) {
        this(name, then, Map.of());
    }

    public static ResolverSpec of(String name) {
        return new ResolverSpec(name, Optional.empty());
    }

    /** This rule, with {@code rule} deciding exact ties. */
    public ResolverSpec thenOnTies(ResolverSpec rule) {
        return new ResolverSpec(name, Optional.of(rule), parameters);
    }

    /** This rule with one more parameter, e.g. {@code withParameter("columns", List.of("qty"))}. */
    public ResolverSpec withParameter(String key, List<String> values) {
        Map<String, List<String>> more = new LinkedHashMap<>(parameters);
        if (more.putIfAbsent(key, values) != null) {
            throw new IllegalArgumentException("resolver parameter " + key + " was already set to " + parameters.get(key));
        }
        return new ResolverSpec(name, then, more);
    }

    /** E.g. {@code timestamp then site-priority}, {@code delta(columns=qty)}: what conflict records name. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name);
        if (!parameters.isEmpty()) {
            s.append('(');
            parameters.forEach((k, v) -> s.append(s.charAt(s.length() - 1) == '(' ? "" : "; ").append(k).append('=').append(String.join(",", v)));
            s.append(')');
        }
        then.ifPresent(t -> s.append(" then ").append(t));
        return s.toString();
    }
}
