package dev.converge.config;

import dev.converge.model.NodeId;
import java.util.Objects;

/** Another node as this node knows it: its id and its priority (for site-priority rules and exact-tie breaks). */
public record PeerConfig(NodeId id, int priority) {
    public PeerConfig {
        Objects.requireNonNull(id);
    }
}
