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
 *
 * <p>{@code metadata} says what kind of transaction this is beyond its rows, for the parts that must recognise it
 * wherever it arrives; empty for an ordinary transaction. Keys in use or reserved: {@value #KIND} ({@code decision} for
 * a person's decision in the workbench, {@code compensation} for a reference node's undo) and {@value #UNDOES} (the
 * {@link ChangeSetId} a compensation undoes, as {@code origin:sequence}). A ChangeSet may travel through nodes other
 * than its origin (a hub relaying it): its origin and sequence, not its sender, identify it.
 */
public record ChangeSet(NodeId origin, long sequence, HybridTimestamp timestamp, Map<NodeId, Long> dependencies,
                        List<Change> changes, Map<String, String> metadata) {
    /** Metadata key: what kind of transaction this is ({@code decision}, {@code compensation}); absent for an ordinary one. */
    public static final String KIND = "kind";
    /** Metadata key: the ChangeSet a compensation undoes, as {@code origin:sequence}. */
    public static final String UNDOES = "undoes";

    public ChangeSet {
        Objects.requireNonNull(origin);
        Objects.requireNonNull(timestamp);
        if (sequence < 1) {
            throw new IllegalArgumentException("a ChangeSet sequence starts at 1, not " + sequence);
        }
        dependencies = Collections.unmodifiableMap(new TreeMap<>(dependencies));
        changes = List.copyOf(changes);
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** An ordinary transaction: no metadata. */
    public ChangeSet(NodeId origin, long sequence, HybridTimestamp timestamp, Map<NodeId, Long> dependencies, List<Change> changes) {
        this(origin, sequence, timestamp, dependencies, changes, Map.of());
    }

    /** The same transaction with other changes (a part of it), keeping its identity, dependencies and metadata. */
    public ChangeSet withChanges(List<Change> subset) {
        return new ChangeSet(origin, sequence, timestamp, dependencies, subset, metadata);
    }

    public ChangeSetId id() {
        return new ChangeSetId(origin, sequence);
    }

    @Override
    public String toString() {
        return id() + "@" + timestamp + " deps=" + dependencies + (metadata.isEmpty() ? "" : " " + metadata) + " " + changes;
    }
}
