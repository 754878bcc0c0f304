package dev.converge.model;

import dev.converge.clock.HybridTimestamp;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One committed source transaction, after net-effect evaluation: its origin, its place in that origin's commit order
 * ({@code sequence}, 1, 2, 3, ... without gaps), its timestamp (given when its origin sequenced it; each of its changes
 * carries it, and a later ChangeSet of the same origin has a later one), the changes in the order they
 * are to be applied, and its causal dependencies: for each other origin, the highest sequence of that origin that had
 * been applied at the source when this transaction wrote. A receiver applies a ChangeSet only after its dependencies.
 */
public record ChangeSet(NodeId origin, long sequence, HybridTimestamp timestamp, Map<NodeId, Long> dependencies,
                        List<Change> changes) {
    public ChangeSet {
        Objects.requireNonNull(origin);
        Objects.requireNonNull(timestamp);
        if (sequence < 1) {
            throw new IllegalArgumentException("a ChangeSet sequence starts at 1, not " + sequence);
        }
        dependencies = Collections.unmodifiableMap(new TreeMap<>(dependencies));
        changes = List.copyOf(changes);
    }

    public ChangeSetId id() {
        return new ChangeSetId(origin, sequence);
    }

    @Override
    public String toString() {
        return id() + "@" + timestamp + " deps=" + dependencies + " " + changes;
    }
}
