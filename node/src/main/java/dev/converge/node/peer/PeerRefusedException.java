package dev.converge.node.peer;

import dev.converge.model.NodeId;
import dev.converge.transport.PeerUnavailableException;

/**
 * A peer answered, and refused what was sent (HTTP 4xx): a different configuration (its table rules differ), a
 * different secret, an unknown sender, a body too large. Retried like an unreachable peer (its configuration may be
 * fixed meanwhile), but it names the peer, the status and the peer's reason, so the operator sees what to fix.
 */
public final class PeerRefusedException extends PeerUnavailableException {
    private final int status;
    private final String reason;

    public PeerRefusedException(NodeId peer, int status, String reason, String message) {
        super(peer, "refused with " + status + " " + reason + ": " + message, null);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** The peer's reason code, e.g. {@code rules-differ}, {@code bad-signature}, {@code too-large}. */
    public String reason() {
        return reason;
    }
}
