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

    /**
     * Only the five kinds a row's write can meet are put to a resolver: a {@code transaction} conflict is the record of
     * rows that lost, an {@code error} is what no resolver decides, and {@code constraint} conflicts are parked today. A
     * rule for one of those would silently never run, so it is refused.
     */
    private static void check(ConflictType type) {
        Objects.requireNonNull(type);
        if (type == ConflictType.TRANSACTION || type == ConflictType.ERROR || type == ConflictType.CONSTRAINT) {
            throw new IllegalArgumentException("no resolver decides " + type.word() + " conflicts; a resolver can be chosen for "
                + "insert-exists, update-missing-row, delete-missing-row, update-changed-row and delete-changed-row");
        }
    }
}
