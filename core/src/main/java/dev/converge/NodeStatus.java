package dev.converge;

import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a node's database says about its replication, read without opening the node (see {@link Node#status}): what
 * waits for each peer, what has been applied from each origin, what waits here, and how many conflicts wait for a
 * person. A snapshot; immutable.
 *
 * @param node the node id the database was installed for
 * @param notYetSequenced local transactions committed and captured but not yet given a sequence number (they become
 *     ChangeSets the next time the node runs; every peer will need them)
 * @param peers one entry per configured peer, in configuration order
 * @param applied per origin, the highest sequence applied here, in origin order
 * @param heldBack ChangeSets received and stored but not applied yet (waiting for their dependencies or their turn)
 * @param conflictsToReview conflicts recorded here whose status is {@code needs-review}
 */
public record NodeStatus(NodeId node, long notYetSequenced, List<PeerBacklog> peers, List<Watermark> applied,
                         long heldBack, long conflictsToReview) {
    public NodeStatus {
        Objects.requireNonNull(node);
        peers = List.copyOf(peers);
        applied = List.copyOf(applied);
    }

    /**
     * What waits for one peer.
     *
     * @param peer the peer
     * @param acknowledged the highest sequence of this node's ChangeSets the peer has acknowledged (0: none)
     * @param changeSetsWaiting sequenced ChangeSets of this node the peer has not acknowledged
     * @param oldestWaiting when the oldest of them was stamped (its hybrid timestamp's wall-clock part); empty if none
     * @param rowsWaiting the row operations captured in those ChangeSets ({@code max_backlog_rows}'s measure)
     * @param standing whether this node marked the peer for resync, the peer marked this node, or it was removed
     */
    public record PeerBacklog(NodeId peer, long acknowledged, long changeSetsWaiting, Optional<Instant> oldestWaiting,
                              long rowsWaiting, dev.converge.backlog.PeerStanding standing) {
        public PeerBacklog {
            Objects.requireNonNull(peer);
            Objects.requireNonNull(oldestWaiting);
            Objects.requireNonNull(standing);
        }

        /** A backlog of a peer in good standing whose rows were not counted. */
        public PeerBacklog(NodeId peer, long acknowledged, long changeSetsWaiting, Optional<Instant> oldestWaiting) {
            this(peer, acknowledged, changeSetsWaiting, oldestWaiting, 0, dev.converge.backlog.PeerStanding.ordinary(peer));
        }
    }

    /**
     * How far this node has applied one origin's ChangeSets.
     *
     * @param origin the node the ChangeSets came from
     * @param sequence every ChangeSet of that origin up to this sequence is applied here
     * @param latest the latest timestamp applied from that origin (wall-clock part)
     */
    public record Watermark(NodeId origin, long sequence, Instant latest) {
        public Watermark {
            Objects.requireNonNull(origin);
            Objects.requireNonNull(latest);
        }
    }
}
