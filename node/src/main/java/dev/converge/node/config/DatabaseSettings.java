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
 */
public record DatabaseSettings(String url, Optional<String> user, Optional<Secret> password) {
    public DatabaseSettings {
        Objects.requireNonNull(url);
        Objects.requireNonNull(user);
        Objects.requireNonNull(password);
    }

    /** The URL with any {@code password=...} parameter masked, for messages and logs. */
    public String safeUrl() {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
