package dev.converge.check;

import dev.converge.model.NodeId;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How far one node is, per origin: the last sequence it gave its own transactions, how many committed ones it has not
 * sequenced yet, and the highest sequence it applied of every other origin. Two nodes whose positions
 * {@linkplain #matches match} hold the effects of the same ChangeSets: what differs between them then is not in flight.
 * A node's own transactions are counted as committed ({@code sequenced + unsequenced}): the sequencer gives every
 * captured transaction the next number, so the ones waiting will be exactly the next {@code unsequenced} sequences, and
 * a peer has them all once it has applied through that sum. Immutable.
 *
 * @param node the node
 * @param sequenced its last sequenced transaction (0: none)
 * @param unsequenced its transactions committed and captured but not sequenced yet: in flight to every peer
 * @param applied per other origin, the highest sequence applied (an absent origin: 0); never the node itself
 */
public record Positions(NodeId node, long sequenced, long unsequenced, Map<NodeId, Long> applied) {
    public Positions {
        Objects.requireNonNull(node);
        TreeMap<NodeId, Long> copy = new TreeMap<>();
        applied.forEach((origin, seq) -> {
            if (!origin.equals(node)) {
                copy.put(origin, seq);
            }
        });
        applied = java.util.Collections.unmodifiableMap(copy);
    }

    /** How far this node is with {@code origin}'s ChangeSets: its own committed transactions, or what it applied. */
    public long of(NodeId origin) {
        return origin.equals(node) ? sequenced + unsequenced : applied.getOrDefault(origin, 0L);
    }

    /** Whether both nodes have everything sequenced and hold the same ChangeSets of every origin. */
    public boolean matches(Positions other) {
        return unsequenced == 0 && other.unsequenced == 0 && differences(other).isEmpty();
    }

    /** Whether this node has come at least as far as {@code target} with every origin. */
    public boolean reached(Map<NodeId, Long> target) {
        return target.entrySet().stream().allMatch(e -> of(e.getKey()) >= e.getValue());
    }

    /** Per origin, the further of the two: what both must reach before a difference between them is not in flight. */
    public Map<NodeId, Long> furthest(Positions other) {
        Map<NodeId, Long> out = new TreeMap<>();
        for (NodeId origin : origins(other)) {
            out.put(origin, Math.max(of(origin), other.of(origin)));
        }
        return out;
    }

    /** Per origin where the two differ, a phrase saying how: {@code "b's ChangeSets: a has applied 12, b is at 15"}. */
    public Map<NodeId, String> differences(Positions other) {
        Map<NodeId, String> out = new TreeMap<>();
        for (NodeId origin : origins(other)) {
            long mine = of(origin);
            long theirs = other.of(origin);
            if (mine != theirs) {
                out.put(origin, origin + "'s ChangeSets: " + node + (origin.equals(node) ? " has committed " : " has applied ") + mine + ", "
                    + other.node + (origin.equals(other.node) ? " has committed " : " has applied ") + theirs);
            }
        }
        return out;
    }

    private TreeSet<NodeId> origins(Positions other) {
        TreeSet<NodeId> origins = new TreeSet<>();
        origins.add(node);
        origins.add(other.node);
        origins.addAll(applied.keySet());
        origins.addAll(other.applied.keySet());
        return origins;
    }
}
