package dev.converge.config;

import dev.converge.conflict.ConflictType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** The checks and copies behind per-conflict-type resolvers, shared by {@link TableConfig} and {@link NodeConfig}. */
final class ResolverChoice {
    private ResolverChoice() {
    }

    /** An unmodifiable copy, checked as {@link #with} checks each entry. */
    static Map<ConflictType, ResolverSpec> copy(Map<ConflictType, ResolverSpec> byType) {
        EnumMap<ConflictType, ResolverSpec> copy = new EnumMap<>(ConflictType.class);
        byType.forEach((type, r) -> {
            check(type);
            copy.put(type, Objects.requireNonNull(r));
        });
        return Collections.unmodifiableMap(copy);
    }

    static Map<ConflictType, ResolverSpec> with(Map<ConflictType, ResolverSpec> byType, ConflictType type, ResolverSpec r) {
        check(type);
        if (byType.containsKey(type)) {
            throw new IllegalArgumentException("conflicts of type " + type.word() + " were already set to resolver " + byType.get(type));
        }
        EnumMap<ConflictType, ResolverSpec> more = new EnumMap<>(ConflictType.class);
        more.putAll(byType);
        more.put(type, Objects.requireNonNull(r));
        return Collections.unmodifiableMap(more);
    }

    /** A rule for a type no resolver decides would silently never run, so it is refused. */
    private static void check(ConflictType type) {
        Objects.requireNonNull(type);
        if (!type.decidedByResolvers()) {
            throw new IllegalArgumentException("no resolver decides " + type.word() + " conflicts; a resolver can be chosen for "
                + String.join(", ", ConflictType.decidable().stream().map(ConflictType::word).toList()));
        }
    }
}
