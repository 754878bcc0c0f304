package dev.converge.node.peer;

import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.Optional;

/**
 * How the link to one peer stands, as its sender last saw it. Immutable.
 *
 * @param peer the peer
 * @param reachable whether the last delivery attempt reached the peer and was accepted; empty before the first attempt
 * @param lastSuccess when a delivery attempt last succeeded
 * @param lastError what the last failed attempt said (a sentence naming the peer; never a secret), if the last attempt failed
 * @param failures how many attempts in a row failed
 * @param delivered how many ChangeSets (or parts) went to the peer since this node started
 */
public record LinkState(NodeId peer, Optional<Boolean> reachable, Optional<Instant> lastSuccess, Optional<String> lastError,
                        int failures, long delivered) {
}
