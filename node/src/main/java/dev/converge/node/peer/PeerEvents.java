package dev.converge.node.peer;

import dev.converge.model.NodeId;
import dev.converge.transport.Receipt;

/**
 * What happens on the links between peers, for whoever counts it (metrics). Every method has an empty default.
 * Implementations must be thread-safe and quick: they are called on the sending, receiving and applying threads.
 */
public interface PeerEvents {
    /** Listens to nothing. */
    PeerEvents NONE = new PeerEvents() {
    };

    /** {@code changeSets} ChangeSets (or parts) went to {@code peer} and were acknowledged. */
    default void delivered(NodeId peer, int changeSets) {
    }

    /** A delivery to {@code peer} failed and will be tried again after a backoff. */
    default void retrying(NodeId peer) {
    }

    /** A batch from {@code sender} was received; the receipt says how many ChangeSets it applied. */
    default void received(NodeId sender, Receipt receipt) {
    }

    /** The apply loop applied {@code changeSets} stored ChangeSets whose turn had come. */
    default void appliedPending(int changeSets) {
    }

    /** This node refused a request, for {@code reason} (e.g. {@code bad-signature}, {@code replayed}). */
    default void refused(String reason) {
    }
}
