package dev.converge.transport;

import dev.converge.ConvergeException;
import dev.converge.model.NodeId;

/** The peer could not be reached or refused the batch; retriable, the batch stays queued at the sender. */
public class PeerUnavailableException extends ConvergeException {
    private final NodeId peer;

    public PeerUnavailableException(NodeId peer, String message, Throwable cause) {
        super("peer " + peer + " is unavailable: " + message, cause);
        this.peer = peer;
    }

    public NodeId peer() {
        return peer;
    }
}
