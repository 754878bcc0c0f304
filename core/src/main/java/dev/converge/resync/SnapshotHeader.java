package dev.converge.resync;

import dev.converge.model.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a snapshot stands: what its source had applied of every other origin, its own last sequenced ChangeSet, and
 * the greatest hybrid timestamp any of it carries (the target's clock must not fall behind it).
 *
 * @param source the node the snapshot was read from
 * @param sequence the source's own last sequence the snapshot includes (its later writes arrive as ChangeSets)
 * @param applied per other origin, how far the source had applied it
 * @param maxTimestamp the greatest packed hybrid timestamp of the snapshot (0 if none)
 * @param tables the replicated tables, in the order the target loads them
 */
public record SnapshotHeader(NodeId source, long sequence, Map<NodeId, Applied> applied, long maxTimestamp, List<String> tables) {
    public SnapshotHeader {
        Objects.requireNonNull(source);
        applied = Map.copyOf(applied);
        tables = List.copyOf(tables);
    }

    /**
     * How far the source had applied one origin.
     *
     * @param sequence the origin's highest sequence applied (every lower one too)
     * @param timestamp the greatest timestamp applied from it
     * @param dependencies the dependencies of the last ChangeSet applied from it (JSON, origin to sequence)
     */
    public record Applied(long sequence, long timestamp, String dependencies) {
    }

    /** The snapshot's causal past: per origin name, the highest sequence whose effects it holds (the source's own included). */
    public Map<String, Long> seen() {
        Map<String, Long> out = new java.util.HashMap<>();
        applied.forEach((origin, a) -> out.put(origin.value(), a.sequence()));
        out.put(source.value(), sequence);
        return out;
    }
}
