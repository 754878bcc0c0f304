package dev.converge.node.peer;

import dev.converge.model.NodeId;
import java.net.URI;
import java.util.Objects;

/**
 * Where another node listens and the secret this pair shares: what the node's configuration says about a peer beyond
 * what the core needs ({@link dev.converge.config.PeerConfig} has its id and priority).
 *
 * @param id the peer's node id
 * @param url the base URL of the peer's HTTP port, e.g. {@code http://10.0.0.2:7400}
 * @param secret the secret both nodes of this pair are configured with; it signs every request between them
 */
public record PeerEndpoint(NodeId id, URI url, Secret secret) {
    public PeerEndpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
    }
}
