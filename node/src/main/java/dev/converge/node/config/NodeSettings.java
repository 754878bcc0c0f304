package dev.converge.node.config;

import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.config.NodeConfig;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerEndpoint;
import dev.converge.node.tls.NodeTls;
import io.vavr.control.Either;
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
 * @param tls the keystore for HTTPS and the truststore for its clients, if the file has a {@code tls} section
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

    /**
     * The node's TLS: as {@link #tls} says, or plain HTTP with the JDK's default trust for its clients. Opens the
     * stores; the error says which store is wrong and why.
     */
    public Either<String, NodeTls> loadTls() {
        return tls.map(TlsSettings::load).orElseGet(() -> Either.right(NodeTls.plain()));
    }

    /** The endpoint of one peer. */
    public Optional<PeerEndpoint> peer(NodeId id) {
        return peers.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
