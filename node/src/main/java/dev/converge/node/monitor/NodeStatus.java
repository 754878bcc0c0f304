package dev.converge.node.monitor;

import java.util.List;

/**
 * What {@code GET /status} answers: the node, whether its database answers, each peer's link, and the conflicts
 * recorded here. Values that are unknown are {@code null} (JSON null). Never holds a secret. Immutable.
 *
 * @param node this node's id
 * @param database {@code up} or {@code down}
 * @param peers one entry per configured peer
 * @param conflicts every conflict recorded on this node
 * @param conflictsNeedingReview conflicts waiting for a person in the workbench
 * @param at when this was read (ISO-8601)
 * @param notYetSequenced local transactions captured but not yet made ChangeSets (see {@link dev.converge.NodeStatus})
 * @param heldBack ChangeSets received and stored, waiting for their dependencies or their turn
 * @param applied per origin, the highest sequence applied here
 */
public record NodeStatus(String node, String database, List<PeerStatus> peers, Long conflicts, Long conflictsNeedingReview, String at,
                         Long notYetSequenced, Long heldBack, java.util.Map<String, Long> applied) {
    /**
     * One peer as this node sees it.
     *
     * @param id the peer's node id
     * @param url where it listens
     * @param reachable whether the last delivery attempt succeeded; null before the first
     * @param waitingChangeSets local ChangeSets it has not acknowledged
     * @param oldestUnacknowledgedSeconds age of the oldest of them; null when none
     * @param lastSuccess when a delivery attempt last succeeded (ISO-8601)
     * @param lastError what the last failed delivery attempt said, if the last attempt failed
     * @param lastRefusal the last request of this peer this node refused, since its last accepted one
     * @param delivered ChangeSets (or parts) delivered to it since this node started
     * @param acknowledged the highest sequence of this node's ChangeSets it has acknowledged
     * @param waitingRows the row operations captured in the ChangeSets it has not acknowledged ({@code max_backlog_rows}'s
     *     measure)
     * @param resync this node marked the peer for resync: the advice ({@code peer C is marked for resync since ...; on C
     *     run `converge resync --from A`}); null if not marked
     * @param resyncOfThisNode the peer said it marked this node for resync: the same advice, as the peer gave it; null
     *     if it did not
     * @param removed the advice about a peer removed from the mesh ({@code converge peer remove}); null if it was not
     * @param unlinked the advice about a peer only missing from the configuration file since a reload (unlinked, its
     *     queue still kept); null if the file lists it
     */
    public record PeerStatus(String id, String url, Boolean reachable, Long waitingChangeSets, Double oldestUnacknowledgedSeconds,
                             String lastSuccess, String lastError, String lastRefusal, long delivered, Long acknowledged,
                             Long waitingRows, String resync, String resyncOfThisNode, String removed, String unlinked) {
        /** A peer in good standing whose rows were not counted. */
        public PeerStatus(String id, String url, Boolean reachable, Long waitingChangeSets, Double oldestUnacknowledgedSeconds,
                          String lastSuccess, String lastError, String lastRefusal, long delivered, Long acknowledged) {
            this(id, url, reachable, waitingChangeSets, oldestUnacknowledgedSeconds, lastSuccess, lastError, lastRefusal, delivered,
                acknowledged, null, null, null, null, null);
        }
    }
}
