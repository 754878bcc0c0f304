package dev.converge.node.config;

import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.config.NodeConfig;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's configuration file, read and validated ({@link NodeFile#read}). Immutable; no secret prints (passwords and
 * peer secrets are {@link dev.converge.node.peer.Secret}s).
 *
 * @param file where it was read from
 * @param core what the engine needs: id, priority, peers with priorities, defaults, tables ({@code Node.open} takes it)
 * @param listen the address and port the node's HTTP server binds (unresolved: {@code getHostString()},
 *     {@code getPort()})
 * @param database the node's database
 * @param peers where each peer listens and the secret this node shares with it, in file order (the same ids as
 *     {@code core.peers()})
 * @param limits batch size and backlog bounds
 * @param tls the keystore for HTTPS, if the node serves HTTPS
 * @param users workbench users
 */
public record NodeSettings(Path file, NodeConfig core, InetSocketAddress listen, DatabaseSettings database,
                           List<PeerEndpoint> peers, Limits limits, Optional<TlsSettings> tls, List<WorkbenchUser> users) {
    public NodeSettings {
        Objects.requireNonNull(file);
        Objects.requireNonNull(core);
        Objects.requireNonNull(listen);
        Objects.requireNonNull(database);
        peers = List.copyOf(peers);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(tls);
        users = List.copyOf(users);
    }

    public NodeId id() {
        return core.id();
    }

    /** The endpoint of one peer. */
    public Optional<PeerEndpoint> peer(NodeId id) {
        return peers.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
