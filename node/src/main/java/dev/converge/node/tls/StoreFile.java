package dev.converge.node.tls;

import dev.converge.node.peer.Secret;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A keystore or truststore file (PKCS#12 or JKS) and its password, as the configuration names them. Immutable; prints
 * without its password ({@link Secret#toString()}).
 *
 * @param path the file, already resolved against the configuration file's folder
 * @param password the store's password (for a keystore, also its key's)
 */
public record StoreFile(Path path, Secret password) {
    public StoreFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(password, "password");
    }
}
