package dev.converge.node.config;

import dev.converge.node.peer.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's own database: the one its replicated tables live in and Converge installs into.
 *
 * @param url a JDBC URL, {@code jdbc:h2:...} or {@code jdbc:postgresql:...}
 * @param user the user to connect as, if not in the URL
 * @param password that user's password; a {@link Secret}, so it never prints
 * @param h2TcpPort for an H2 file database: the port of H2's own TCP server, which the node starts so that applications
 *     in other processes can write to the database while the node runs (capture and apply run in the node's JVM)
 */
public record DatabaseSettings(String url, Optional<String> user, Optional<Secret> password, java.util.OptionalInt h2TcpPort) {
    public DatabaseSettings {
        Objects.requireNonNull(url);
        Objects.requireNonNull(user);
        Objects.requireNonNull(password);
        Objects.requireNonNull(h2TcpPort);
    }

    /** Settings without an H2 TCP server. */
    public DatabaseSettings(String url, Optional<String> user, Optional<Secret> password) {
        this(url, user, password, java.util.OptionalInt.empty());
    }

    /** The URL with any {@code password=...} parameter masked, for messages and logs. */
    public String safeUrl() {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
