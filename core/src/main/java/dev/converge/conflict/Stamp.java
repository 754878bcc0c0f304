package dev.converge.conflict;

import dev.converge.clock.HybridTimestamp;
import dev.converge.model.NodeId;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which write made something: its hybrid timestamp, origin node (empty for a value that was there before replication
 * started) and origin sequence (0 then). Ordered by timestamp, then origin id (an empty origin first), then sequence —
 * the order the engine joins column stamps by, so a resolver that picks per column by it agrees with the versions on
 * every peer. A write that saw another is always the greater: of another origin it has a later timestamp, of the same
 * origin (which may share the timestamp) a greater sequence. (The {@code timestamp} rule puts node priority between
 * timestamp and id; column stamps cannot, for a version must not depend on configuration.)
 */
public record Stamp(HybridTimestamp timestamp, Optional<NodeId> origin, long sequence) implements Comparable<Stamp> {
    private static final Comparator<Stamp> ORDER = Comparator.comparing(Stamp::timestamp)
        .thenComparing(s -> s.origin().orElse(null), Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingLong(Stamp::sequence);

    public Stamp {
        Objects.requireNonNull(timestamp);
        Objects.requireNonNull(origin);
    }

    public static Stamp of(HybridTimestamp timestamp, NodeId origin, long sequence) {
        return new Stamp(timestamp, Optional.of(origin), sequence);
    }

    @Override
    public int compareTo(Stamp o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return timestamp + origin.map(o -> " " + o + ":" + sequence).orElse(" (before replication)");
    }
}
