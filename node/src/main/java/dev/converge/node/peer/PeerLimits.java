package dev.converge.node.peer;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of HTTP between peers. Immutable.
 *
 * @param maxBodyBytes the largest request body a node accepts as it travels (gzip-compressed); larger ones are refused
 *                     with 413 before they are read whole
 * @param maxInflatedBytes the largest a body may grow to when inflated; a body that inflates further is refused with
 *                         413 at that point (a small body can inflate a thousandfold)
 * @param connectTimeout how long a sender waits to connect to a peer
 * @param requestTimeout how long a sender waits for a peer's answer (the receiver applies before it answers)
 * @param sessionsPerPeer how many handshaken sessions a receiver keeps per peer
 * @param maxBackoff the longest a sender waits before it tries an unreachable peer again
 */
public record PeerLimits(long maxBodyBytes, long maxInflatedBytes, Duration connectTimeout, Duration requestTimeout,
                         int sessionsPerPeer, Duration maxBackoff) {
    /** 32 MiB on the wire, 256 MiB inflated, 5 s to connect, 2 min for an answer, 4 sessions per peer, 30 s backoff. */
    public static final PeerLimits DEFAULT = new PeerLimits(32L << 20, 256L << 20, Duration.ofSeconds(5), Duration.ofMinutes(2), 4,
        Duration.ofSeconds(30));

    public PeerLimits {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxBodyBytes < 1024 || maxInflatedBytes < maxBodyBytes) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024 and maxInflatedBytes at least maxBodyBytes, were "
                + maxBodyBytes + " and " + maxInflatedBytes);
        }
        if (sessionsPerPeer < 1) {
            throw new IllegalArgumentException("sessionsPerPeer must be at least 1, was " + sessionsPerPeer);
        }
    }

    /** These limits with other body sizes. */
    public PeerLimits withBodyLimits(long maxBody, long maxInflated) {
        return new PeerLimits(maxBody, maxInflated, connectTimeout, requestTimeout, sessionsPerPeer, maxBackoff);
    }

    /** These limits with another longest backoff (tests use a short one). */
    public PeerLimits withMaxBackoff(Duration max) {
        return new PeerLimits(maxBodyBytes, maxInflatedBytes, connectTimeout, requestTimeout, sessionsPerPeer, max);
    }
}
