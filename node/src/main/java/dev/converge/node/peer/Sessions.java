package dev.converge.node.peer;

import dev.converge.model.NodeId;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The receiving side's sessions: one is opened by each accepted hello, and every later request of that peer names
 * one and carries a counter that must be greater than any this session has seen. Replays are refused without any
 * clock: a node whose clock stepped is not locked out. Kept in memory only: after a restart every session is unknown,
 * and senders say hello again. At most {@code perPeer} sessions per peer; a new one pushes out the least recently
 * opened (a replayed hello can push out a live session, which only makes its sender say hello again).
 *
 * <p>Thread-safe: every method synchronizes on this object (each holds it for a map look-up).
 */
final class Sessions {
    private final SecureRandom random = new SecureRandom();
    private final int perPeer;
    private final Map<NodeId, LinkedHashMap<String, long[]>> byPeer = new HashMap<>();

    Sessions(int perPeer) {
        this.perPeer = perPeer;
    }

    /** Opens a session for {@code peer} and returns its id. */
    synchronized String open(NodeId peer) {
        byte[] id = new byte[18];
        random.nextBytes(id);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        LinkedHashMap<String, long[]> sessions = byPeer.computeIfAbsent(peer, p -> new LinkedHashMap<>());
        while (sessions.size() >= perPeer) {
            sessions.remove(sessions.keySet().iterator().next());
        }
        sessions.put(session, new long[] {0});
        return session;
    }

    /** Closes every session of {@code peer} (its secret or URL changed: it must say hello again). */
    synchronized void forget(NodeId peer) {
        byPeer.remove(peer);
    }

    /**
     * Accepts {@code counter} in {@code session} of {@code peer} if it is greater than any seen there, and remembers it.
     * Call only once the request's signature is verified (otherwise a forger could push the counter up).
     *
     * @throws Refusal 401 {@code unknown-session} if the session is not open here (the sender says hello again),
     *                 409 {@code replayed} if the counter is not greater than one seen
     */
    synchronized void advance(NodeId peer, String session, long counter) {
        long[] highest = byPeer.getOrDefault(peer, new LinkedHashMap<>()).get(session);
        if (highest == null) {
            throw new Refusal(401, "unknown-session", "session is not open on this node (restarted?): say hello again");
        }
        if (counter <= highest[0]) {
            throw new Refusal(409, "replayed", "counter " + counter + " is not above " + highest[0] + ", the highest this session has seen");
        }
        highest[0] = counter;
    }
}
