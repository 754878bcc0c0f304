package dev.converge.specs.parse;

import dev.converge.config.ResolverSpec;
import dev.converge.conflict.ResolverRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolver names a scenario may use: the built-in names the scenario format documents (module {@code
 * converge-resolvers} registers them all; without it on the class path the runner says "not supported yet") and every
 * resolver registered on the class path, by name or class name. Any other name is a typo, refused when the file is read.
 */
public final class ResolverNames {
    /** The format's "Resolver names (built in)", in its order, then {@code sql-function} (an extension: see the README's Scenarios). */
    public static final List<String> DOCUMENTED = List.of("timestamp", "earliest", "site-priority", "keep-local",
        "apply-remote", "delete-wins", "column-merge", "delta", "manual", "ignore", "sql-function");

    private ResolverNames() {
    }

    /** Whether {@code name} is documented or registered. */
    public static boolean isKnown(String name) {
        return DOCUMENTED.contains(name) || isRegistered(name);
    }

    /** Whether a node would find a resolver of this name (registered name or class name). */
    public static boolean isRegistered(String name) {
        // a registry per question: ResolverRegistry is confined to one thread, and this is not asked often
        return new ResolverRegistry().has(name);
    }

    /**
     * What a node would refuse in a resolver whose names are all registered — a parameter it does not take, one it
     * needs — or empty. Names that are not registered are not judged here (see {@link #isKnown}).
     */
    public static java.util.Optional<String> problem(ResolverSpec spec) {
        if (!isRegistered(spec.name()) || spec.then().map(t -> !isRegistered(t.name())).orElse(false)) {
            return java.util.Optional.empty();
        }
        return new ResolverRegistry().lookup(spec, "").swap().map(e -> e.problem()).toJavaOptional();
    }

    /** The documented names, then the other registered ones, for "known: ..." in messages. */
    public static List<String> known() {
        List<String> known = new ArrayList<>(DOCUMENTED);
        new ResolverRegistry().names().stream().filter(n -> !known.contains(n)).forEach(known::add);
        return known;
    }
}
