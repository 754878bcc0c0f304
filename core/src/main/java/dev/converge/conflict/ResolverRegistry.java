package dev.converge.conflict;

import dev.converge.config.ConfigError;
import dev.converge.config.ResolverSpec;
import io.vavr.control.Either;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Resolvers by name: the built-in {@code timestamp} plus every {@link ConflictResolver} on the class path registered
 * in {@code META-INF/services/dev.converge.conflict.ConflictResolver}; a custom resolver may also be named by its
 * class name. An unknown name is a {@link ConfigError} listing the names that exist.
 *
 * <p>Confined: built and used by one thread while a node opens; the resolvers it returns are shared and must be thread-safe.
 */
public final class ResolverRegistry {
    private final Map<String, ConflictResolver> byName = new TreeMap<>();

    public ResolverRegistry() {
        register(new TimestampResolver());
        for (ConflictResolver r : ServiceLoader.load(ConflictResolver.class)) {
            register(r);
            byName.putIfAbsent(r.getClass().getName(), r);
        }
    }

    private void register(ConflictResolver r) {
        byName.putIfAbsent(r.name(), r);
    }

    /** The names resolvers are registered under, sorted; class names, which also find them, are left out. */
    public List<String> names() {
        return byName.keySet().stream().filter(n -> !n.contains(".")).toList();
    }

    /** The resolver for a spec; a secondary rule ({@code then}) must exist too. */
    public Either<ConfigError, ConflictResolver> lookup(ResolverSpec spec, String where) {
        ConflictResolver r = byName.get(spec.name());
        if (r == null) {
            return Either.left(new ConfigError(where, "unknown resolver '" + spec.name() + "' (known: "
                + String.join(", ", names()) + ")"));
        }
        if (spec.then().isPresent()) {
            return lookup(spec.then().get(), where).flatMap(then -> Either.right(new TieBreak(r, then)));
        }
        return Either.right(r);
    }

    /** A resolver with a secondary rule consulted only for exact timestamp ties. */
    record TieBreak(ConflictResolver first, ConflictResolver then) implements ConflictResolver {
        @Override
        public String name() {
            return first.name() + " then " + then.name();
        }

        @Override
        public Resolution resolve(Conflict c) {
            return c.remoteTimestamp().equals(c.localTimestamp()) ? then.resolve(c) : first.resolve(c);
        }

        @Override
        public boolean merges() {
            return first.merges() || then.merges();
        }
    }
}
