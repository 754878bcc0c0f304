package dev.converge.node.peer;

import dev.converge.model.NodeId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each kind of refused request once per claimed sender and reason, not once per request: a flood of forged
 * requests writes one line. A sender that gets a request through is forgotten, so a later refusal is logged again.
 * Remembers the last refusal of each configured peer for {@code status}. Messages hold no secret (refusals never
 * carry one); a sender id that is not a valid node id is not echoed.
 *
 * <p>Thread-safe. Bounded: at most {@value #MAX_KEYS} sender and reason pairs are remembered; past that, refusals are
 * logged at debug level only.
 */
final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    private static final int MAX_KEYS = 1000;

    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final Map<NodeId, String> lastByPeer = new ConcurrentHashMap<>();

    void refused(String sender, Optional<NodeId> peer, Refusal r) {
        String text = "refused a request from " + sender + ": " + r.status() + " " + r.reason() + ": " + r.getMessage();
        peer.ifPresent(p -> lastByPeer.put(p, r.status() + " " + r.reason() + ": " + r.getMessage()));
        String key = sender + "\n" + r.reason();
        if (r.reason().equals("unknown-session")) {
            LOG.info("{} (expected once after this node restarted)", text); // the sender says hello again at once
        } else if (logged.size() < MAX_KEYS && logged.add(key)) {
            LOG.warn("{} (further refusals of this kind from this sender are not logged until one of its requests succeeds)", text);
        } else {
            LOG.debug(text);
        }
    }

    void accepted(NodeId peer) {
        lastByPeer.remove(peer);
        logged.removeIf(k -> k.startsWith(peer.value() + "\n"));
    }

    Map<NodeId, String> lastRefusals() {
        return Map.copyOf(lastByPeer);
    }
}
