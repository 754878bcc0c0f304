package dev.converge.conflict;

import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import io.vavr.control.Either;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.jooq.DSLContext;

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
    private final Optional<DSLContext> database;

    /** A registry that checks names and parameters only: a resolver that runs in the database is not bound to one. */
    public ResolverRegistry() {
        this(Optional.empty());
    }

    /**
     * A registry whose lookups also bind each {@link DatabaseResolver} to {@code database} (a function it calls must
     * exist there): what a node does when it opens, and {@code converge config check}.
     */
    public ResolverRegistry(DSLContext database) {
        this(Optional.of(database));
    }

    private ResolverRegistry(Optional<DSLContext> database) {
        this.database = database;
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
            ConflictResolver withParameters = r.withParameters(spec.parameters());
            configured = withParameters instanceof DatabaseResolver d ? bind(d) : withParameters;
        } catch (IllegalArgumentException e) {
            return Either.left(new ConfigError(where, e.getMessage()));
        }
        if (spec.then().isPresent() && configured.merges()) {
            // a tie would swap the merge for a pick: with delta, one of two increments lost
            return Either.left(new ConfigError(where, "resolver " + spec.name() + " merges concurrent writes and settles exact ties itself "
                + "(column by column, by each column's latest write: timestamp, then origin), so a tie rule would only replace a merge "
                + "with a pick; remove 'then: " + spec.then().get().name() + "'"));
        }
        if (spec.then().isPresent()) {
            return lookup(spec.then().get(), where).flatMap(then -> Either.right(new TieBreak(configured, then)));
        }
        return Either.right(configured);
    }

    /** Binds a resolver that runs in the database, if there is a database; only Converge's own may (see {@link DatabaseResolver}). */
    private ConflictResolver bind(DatabaseResolver d) {
        if (!ResolverCall.builtIn(d)) {
            throw new IllegalArgumentException("resolver " + d.name() + " (" + d.getClass().getName() + ") implements DatabaseResolver, "
                + "which only Converge's own resolvers may: a Java resolver decides from the Conflict alone (write the logic in SQL and "
                + "use sql-function instead)");
        }
        return database.<ConflictResolver>map(d::bindTo).orElse(d);
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

    /**
     * A resolver made of others, each conflict decided by one of them: the engine asks {@link #ruleFor} and calls that
     * one itself ({@link ResolverCall}), so that a user's Java rule runs on a thread of its own and a rule that runs in
     * the database gets the apply transaction, whatever they are combined with.
     */
    sealed interface Composite extends ConflictResolver permits TieBreak, ByConflictType {
        /** The rule that decides {@code c}: never a composite itself (nested ones are unwrapped). */
        ConflictResolver ruleFor(Conflict c);

        @Override
        default Resolution resolve(Conflict c) {
            return ruleFor(c).resolve(c);
        }
    }

    /** A resolver with a secondary rule consulted only for exact timestamp ties. */
    record TieBreak(ConflictResolver first, ConflictResolver then) implements Composite {
        @Override
        public String name() {
            return first.name() + " then " + then.name();
        }

        @Override
        public ConflictResolver ruleFor(Conflict c) {
            ConflictResolver r = c.remoteTimestamp().equals(c.localTimestamp()) ? then : first;
            return r instanceof Composite inner ? inner.ruleFor(c) : r;
        }

        @Override
        public boolean merges() {
            return first.merges() || then.merges();
        }

        /** As the first rule: a tie rule decides between two latest writes with equal timestamps, by their own measure. */
        @Override
        public boolean comparesHistories() {
            return first.comparesHistories();
        }
    }

    /**
     * A table's rule with other rules for particular conflict types. It merges if any of its rules does: then the
     * table keeps column stamps, and the rules that pick a side are also asked about writes that left equal rows (they
     * answer as for any other conflict, so such a write is recorded as a conflict instead of passing silently).
     */
    record ByConflictType(ConflictResolver rule, Map<ConflictType, ConflictResolver> byType) implements Composite {
        ByConflictType {
            byType = Map.copyOf(byType);
        }

        @Override
        public String name() {
            return rule.name();
        }

        @Override
        public ConflictResolver ruleFor(Conflict c) {
            ConflictResolver r = byType.getOrDefault(c.type(), rule);
            return r instanceof Composite inner ? inner.ruleFor(c) : r;
        }

        @Override
        public boolean merges() {
            return rule.merges() || byType.values().stream().anyMatch(ConflictResolver::merges);
        }

        @Override
        public boolean comparesHistories() {
            return rule.comparesHistories() || byType.values().stream().anyMatch(ConflictResolver::comparesHistories);
        }
    }
}
