package dev.converge.backlog;

import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one configured peer stands with this node, as its metadata ({@code cv_peer}) says. Immutable.
 *
 * @param peer the peer
 * @param marked this node marked the peer for resync (it keeps nothing for it and sends it nothing)
 * @param markedByPeer the peer said it marked this node for resync (this node should reload from it)
 * @param departed when the peer was removed from the mesh for good ({@code converge peer remove}); its requests are
 *     refused and nothing is kept for it
 */
public record PeerStanding(NodeId peer, Optional<ResyncMark> marked, Optional<ResyncMark> markedByPeer, Optional<Instant> departed) {
    public PeerStanding {
        Objects.requireNonNull(peer);
        Objects.requireNonNull(marked);
        Objects.requireNonNull(markedByPeer);
        Objects.requireNonNull(departed);
    }

    /** A peer in good standing: nothing marked, not removed. */
    public static PeerStanding ordinary(NodeId peer) {
        return new PeerStanding(peer, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Whether this node still keeps ChangeSets and tombstones for the peer and sends to it: not marked, not removed. */
    public boolean kept() {
        return marked.isEmpty() && departed.isEmpty();
    }

    /** What {@code converge peer remove} advises until the configuration file no longer lists the peer. */
    public static String departedAdvice(NodeId self, NodeId peer, Instant since) {
        return "peer " + peer + " was removed from the mesh on " + since + " (converge peer remove): node " + self
            + " keeps nothing for it and refuses its requests; remove it from `peers` in the configuration file of every node";
    }
}
