package dev.converge.transport;

import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import java.util.List;

/**
 * Carries ChangeSets from one node to another and brings back the receiver's {@link Receipt}. One job only: the
 * sender decides what to send and what to forget, the receiver decides what to store and apply.
 * Implementations: {@link InProcessTransport} (tests, embedded), HTTP (the node module).
 *
 * <p>Implementations must be thread-safe and must not call back into the sending node: a node sends to each peer from its own thread, one batch per link at a time, and holds no lock while {@link #send} runs.
 */
public interface Transport {
    /**
     * Delivers a batch of ChangeSets, all of one origin and in ascending sequence (parts of one ChangeSet in ascending
     * part order, see {@link ChangeSet#part()}), from {@code from} to {@code to}.
     *
     * @throws PeerUnavailableException if the receiver cannot be reached; nothing is lost, the sender retries later
     */
    Receipt send(NodeId from, NodeId to, List<ChangeSet> batch);

    /**
     * Tells {@code to} what {@code from} has applied (see {@link Heartbeat}); sent on idle links. A transport that
     * carries no heartbeats does nothing (its peers then learn only from ChangeSets).
     *
     * @throws PeerUnavailableException if the receiver cannot be reached
     */
    default void heartbeat(NodeId from, NodeId to, Heartbeat heartbeat) {
    }
}
