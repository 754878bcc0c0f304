package dev.converge.conflict;

import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import io.vavr.control.Either;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Resolvers by name: the core's {@code timestamp} plus every {@link ConflictResolver} on the class path registered
 * in {@code META-INF/services/dev.converge.conflict.ConflictResolver} — the built-ins of module {@code
 * converge-resolvers} come this way, so the core does not depend on them — and a custom resolver may also be named by
 * its class name. An unknown name is a {@link ConfigError} listing the names that exist.
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

    /** Whether a resolver is registered under {@code name} (a registered name or a class name). */
    public boolean has(String name) {
        return byName.containsKey(name) || name.contains(".") && byClassName(name, "").isRight();
    }

    /** The resolver for a spec, configured with its parameters; a secondary rule ({@code then}) must exist too. */
    public Either<ConfigError, ConflictResolver> lookup(ResolverSpec spec, String where) {
        ConflictResolver r = byName.get(spec.name());
        if (r == null && spec.name().contains(".")) {
            Either<ConfigError, ConflictResolver> loaded = byClassName(spec.name(), where);
            if (loaded.isLeft()) {
                return loaded;
            }
            r = loaded.get();
            byName.put(spec.name(), r);
        }
        if (r == null) {
            return Either.left(new ConfigError(where, "unknown resolver '" + spec.name() + "' (known: "
                + String.join(", ", names()) + ", or the class name of a ConflictResolver on the class path)"));
        }
        ConflictResolver configured;
        try {
            configured = r.withParameters(spec.parameters());
        } catch (IllegalArgumentException e) {
            return Either.left(new ConfigError(where, e.getMessage()));
        }
        if (spec.then().isPresent()) {
            return lookup(spec.then().get(), where).flatMap(then -> Either.right(new TieBreak(configured, then)));
        }
        return Either.right(configured);
    }

    /**
     * A resolver named by its class name without being registered: loaded from the class path and made with its public
     * no-argument constructor.
     */
    private static Either<ConfigError, ConflictResolver> byClassName(String className, String where) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : ResolverRegistry.class.getClassLoader();
        try {
            Class<?> c = Class.forName(className, true, loader);
            if (!ConflictResolver.class.isAssignableFrom(c)) {
                return Either.left(new ConfigError(where, "class " + className + " is not a " + ConflictResolver.class.getName()));
            }
            return Either.right((ConflictResolver) c.getConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            return Either.left(new ConfigError(where, "unknown resolver '" + className + "': no such class on the class path"));
        } catch (NoSuchMethodException e) {
            return Either.left(new ConfigError(where, "resolver class " + className + " has no public constructor without arguments"));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            return Either.left(new ConfigError(where, "resolver class " + className + " cannot be made: " + cause));
        }
    }

    /**
     * The resolver that decides {@code table}'s conflicts under {@code config}: its rule, dispatching to the rules chosen
     * for particular conflict types if there are any ({@link NodeConfig#resolverOf(String, ConflictType)}).
     */
    public Either<ConfigError, ConflictResolver> forTable(NodeConfig config, String table) {
        Either<ConfigError, ConflictResolver> rule = lookup(config.resolverOf(table), "table " + table + " resolver");
        if (rule.isLeft()) {
            return rule;
        }
        Map<ConflictType, ConflictResolver> byType = new EnumMap<>(ConflictType.class);
        for (ConflictType type : config.typesWithOwnResolver(table)) {
            Either<ConfigError, ConflictResolver> r = lookup(config.resolverOf(table, type), "table " + table + " resolver");
            if (r.isLeft()) {
                return Either.left(new ConfigError(r.getLeft().where(), type.word() + ": " + r.getLeft().problem()));
            }
            byType.put(type, r.get());
        }
        return Either.right(byType.isEmpty() ? rule.get() : new ByConflictType(rule.get(), byType));
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

    /**
     * A table's rule with other rules for particular conflict types. It merges if any of its rules does: then the
     * table keeps column stamps, and the rules that pick a side are also asked about writes that left equal rows (they
     * answer as for any other conflict, so such a write is recorded as a conflict instead of passing silently).
     */
    record ByConflictType(ConflictResolver rule, Map<ConflictType, ConflictResolver> byType) implements ConflictResolver {
        ByConflictType {
            byType = Map.copyOf(byType);
        }

        @Override
        public String name() {
            return rule.name();
        }

        @Override
        public Resolution resolve(Conflict c) {
            return byType.getOrDefault(c.type(), rule).resolve(c);
        }

        @Override
        public boolean merges() {
            return rule.merges() || byType.values().stream().anyMatch(ConflictResolver::merges);
        }
    }
}
