package dev.converge.model;

import dev.converge.clock.HybridTimestamp;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * {@link ChangeSetId} a compensation undoes, as {@code origin:sequence}), {@value #PART} (this is one part of a
 * transaction too large to travel in one piece: see {@link Part}). A ChangeSet may travel through nodes other
 * than its origin (a hub relaying it): its origin and sequence, not its sender, identify it.
 */
public record ChangeSet(NodeId origin, long sequence, HybridTimestamp timestamp, Map<NodeId, Long> dependencies,
                        List<Change> changes, Map<String, String> metadata) {
    /** Metadata key: what kind of transaction this is ({@code decision}, {@code compensation}); absent for an ordinary one. */
    public static final String KIND = "kind";
    /** Metadata key: the ChangeSet a compensation undoes, as {@code origin:sequence}. */
    public static final String UNDOES = "undoes";
    /** Metadata key: which part of its transaction this is, as {@code index/count} (see {@link Part}). */
    public static final String PART = "part";

    /**
     * One part of a transaction too large to travel (or be held in memory) in one piece: part {@code index} of
     * {@code count}, each with the same origin, sequence, timestamp, dependencies and metadata, and a share of the
     * changes in apply order. A receiver keeps the parts until it has all of them and applies them together, in one
     * database transaction: a transaction in parts is applied atomically like any other.
     */
    public record Part(int index, int count) {
        public Part {
            if (count < 2 || index < 1 || index > count) {
                throw new MalformedChangeSetException("part " + index + " of " + count + " is not a part (1 <= part <= count, count >= 2)");
            }
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }

        static Part parse(String text) {
            int slash = text.indexOf('/');
            try {
                return new Part(Integer.parseInt(text.substring(0, Math.max(0, slash))), Integer.parseInt(text.substring(slash + 1)));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new MalformedChangeSetException("metadata part must be 'index/count', not '" + text + "'");
            }
        }
    }

    public ChangeSet {
        Objects.requireNonNull(origin);
        Objects.requireNonNull(timestamp);
        if (sequence < 1) {
            throw new IllegalArgumentException("a ChangeSet sequence starts at 1, not " + sequence);
        }
        dependencies = Collections.unmodifiableMap(new TreeMap<>(dependencies));
        changes = List.copyOf(changes);
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        if (metadata.containsKey(PART)) {
            Part.parse(metadata.get(PART));
        }
    }

    /** An ordinary transaction: no metadata. */
    public ChangeSet(NodeId origin, long sequence, HybridTimestamp timestamp, Map<NodeId, Long> dependencies, List<Change> changes) {
        this(origin, sequence, timestamp, dependencies, changes, Map.of());
    }

    /** The same transaction with other changes (a part of it), keeping its identity, dependencies and metadata. */
    public ChangeSet withChanges(List<Change> subset) {
        return new ChangeSet(origin, sequence, timestamp, dependencies, subset, metadata);
    }

    /** Which part of its transaction this is; empty for a ChangeSet that travels whole. */
    public Optional<Part> part() {
        return Optional.ofNullable(metadata.get(PART)).map(Part::parse);
    }

    /** This transaction's part {@code index} of {@code count}, holding {@code subset} of its changes. */
    public ChangeSet asPart(int index, int count, List<Change> subset) {
        Map<String, String> m = new TreeMap<>(metadata);
        m.put(PART, new Part(index, count).toString());
        return new ChangeSet(origin, sequence, timestamp, dependencies, subset, m);
    }

    public ChangeSetId id() {
        return new ChangeSetId(origin, sequence);
    }

    @Override
    public String toString() {
        return id() + "@" + timestamp + " deps=" + dependencies + (metadata.isEmpty() ? "" : " " + metadata) + " " + changes;
    }
}
