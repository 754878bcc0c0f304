package dev.converge.conflict;

import dev.converge.clock.HybridTimestamp;
import dev.converge.model.NodeId;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which write made something: its hybrid timestamp and origin node (empty for a value that was there before
 * replication started). Ordered by timestamp, then origin id, an empty origin first — the order the engine joins column
 * stamps by, so a resolver that picks per column by it agrees with the versions on every peer. (The {@code timestamp}
 * rule puts node priority between the two; column stamps cannot, for a version must not depend on configuration.)
 */
public record Stamp(HybridTimestamp timestamp, Optional<NodeId> origin) implements Comparable<Stamp> {
    private static final Comparator<Stamp> ORDER = Comparator.comparing(Stamp::timestamp)
        .thenComparing(s -> s.origin().orElse(null), Comparator.nullsFirst(Comparator.naturalOrder()));

    public Stamp {
        Objects.requireNonNull(timestamp);
        Objects.requireNonNull(origin);
    }

    public static Stamp of(HybridTimestamp timestamp, NodeId origin) {
        return new Stamp(timestamp, Optional.of(origin));
    }

    @Override
    public int compareTo(Stamp o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return timestamp + origin.map(o -> " " + o).orElse(" (before replication)");
    }
}
