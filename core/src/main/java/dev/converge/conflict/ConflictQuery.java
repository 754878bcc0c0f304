package dev.converge.conflict;

import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which recorded conflicts to list, and in what order: the filters of the workbench's conflict list, its JSON API and
 * {@code converge conflicts list}. Every filter is optional and they combine with "and"; an empty set means any.
 *
 * <ul>
 *   <li>{@code statuses}, {@code types}: any of these;</li>
 *   <li>{@code table}: this table, named as configured or as the database folds it ({@code item} finds H2's
 *       {@code ITEM});</li>
 *   <li>{@code origin}: either side's origin is this node (the incoming ChangeSet's or the local write's);</li>
 *   <li>{@code detectedFrom} (inclusive) and {@code detectedUntil} (exclusive): when this node detected it;</li>
 *   <li>{@code keyText}: the row key's text (its columns and values as JSON, e.g. {@code {"id":1023}}) contains it,
 *       ignoring case.</li>
 * </ul>
 *
 * Immutable; build it with {@link #all()} and the {@code with*} methods.
 */
public record ConflictQuery(Set<ConflictStatus> statuses, Set<ConflictType> types, Optional<String> table,
                            Optional<NodeId> origin, Optional<Instant> detectedFrom, Optional<Instant> detectedUntil,
                            Optional<String> keyText, ConflictSort sort) {
    public ConflictQuery {
        statuses = Set.copyOf(statuses);
        types = Set.copyOf(types);
        Objects.requireNonNull(table);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(detectedFrom);
        Objects.requireNonNull(detectedUntil);
        keyText = keyText.filter(t -> !t.isBlank());
        Objects.requireNonNull(sort);
    }

    /** Every conflict, newest first. */
    public static ConflictQuery all() {
        return new ConflictQuery(Set.of(), Set.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), ConflictSort.NEWEST);
    }

    public ConflictQuery withStatuses(Set<ConflictStatus> s) {
        return new ConflictQuery(s, types, table, origin, detectedFrom, detectedUntil, keyText, sort);
    }

    public ConflictQuery withTypes(Set<ConflictType> t) {
        return new ConflictQuery(statuses, t, table, origin, detectedFrom, detectedUntil, keyText, sort);
    }

    public ConflictQuery withTable(Optional<String> t) {
        return new ConflictQuery(statuses, types, t, origin, detectedFrom, detectedUntil, keyText, sort);
    }

    public ConflictQuery withOrigin(Optional<NodeId> o) {
        return new ConflictQuery(statuses, types, table, o, detectedFrom, detectedUntil, keyText, sort);
    }

    public ConflictQuery withDetected(Optional<Instant> from, Optional<Instant> until) {
        return new ConflictQuery(statuses, types, table, origin, from, until, keyText, sort);
    }

    public ConflictQuery withKeyText(Optional<String> k) {
        return new ConflictQuery(statuses, types, table, origin, detectedFrom, detectedUntil, k, sort);
    }

    public ConflictQuery withSort(ConflictSort s) {
        return new ConflictQuery(statuses, types, table, origin, detectedFrom, detectedUntil, keyText, s);
    }
}
