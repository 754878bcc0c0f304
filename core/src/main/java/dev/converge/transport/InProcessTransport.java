package dev.converge.transport;

import dev.converge.Node;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivers by calling the receiving {@link Node} in the same JVM. Nothing moves unless the caller says so: the caller
 * picks which node sends to which, when, and (through {@link Node#receive}) in which order, which is what tests of
 * reordering and re-delivery need. A node that is {@link #disconnect disconnected} is unavailable.
 *
 * <p>Thread-safe: {@link #send} runs the receiver on the caller's thread, and any number of threads may send at once.
 */
public final class InProcessTransport implements Transport {
    private final Map<NodeId, Node> nodes = new ConcurrentHashMap<>();

    public InProcessTransport register(Node node) {
        nodes.put(node.id(), node);
        return this;
    }

    public void disconnect(NodeId id) {
        nodes.remove(id);
    }

    @Override
    public Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
        Node receiver = nodes.get(to);
        if (receiver == null) {
            throw new PeerUnavailableException(to, "not connected to this in-process transport", null);
        }
        return receiver.receive(from, batch);
    }

    @Override
    public void heartbeat(NodeId from, NodeId to, Heartbeat heartbeat) {
        Node receiver = nodes.get(to);
        if (receiver == null) {
            throw new PeerUnavailableException(to, "not connected to this in-process transport", null);
        }
        receiver.receiveHeartbeat(from, heartbeat);
    }
}
