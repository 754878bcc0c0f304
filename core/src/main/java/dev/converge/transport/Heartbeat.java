package dev.converge.transport;

import dev.converge.model.NodeId;
import java.util.Map;
import java.util.Objects;

/**
 * What a node tells a peer on an idle link: the last sequence it has given its own transactions, and what it has
 * applied of every origin. A node that never writes sends no ChangeSet, so without this its peers could never learn
 * that it has seen their deletes, and would keep every tombstone; once the receiver has applied the sender's
 * ChangeSets through {@code lastSequence}, it may treat {@code applied} as it treats the dependencies of a ChangeSet
 * (see {@code History}). Made by {@code Node.heartbeat()}, taken by {@code Node.receiveHeartbeat}.
 *
 * @param lastSequence the sender's last sequenced transaction (0 if none): every transaction it committed before
 *     {@code applied} was read has a sequence at or below it
 * @param applied per origin, the highest sequence the sender has applied (its own id is absent)
 */
public record Heartbeat(long lastSequence, Map<NodeId, Long> applied) {
    public Heartbeat {
        if (lastSequence < 0) {
            throw new IllegalArgumentException("a heartbeat's last sequence cannot be negative: " + lastSequence);
        }
        applied = Map.copyOf(Objects.requireNonNull(applied));
        applied.values().forEach(s -> {
            if (s < 0) {
                throw new IllegalArgumentException("a heartbeat's applied sequence cannot be negative: " + s);
            }
        });
    }
}
