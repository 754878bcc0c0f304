package dev.converge.node.config;

import dev.converge.node.peer.Secret;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for the node's HTTP port: a keystore (PKCS#12 or JKS) holding the node's key and certificate.
 *
 * @param keystore the keystore file, resolved against the configuration file's folder
 * @param password the keystore's password
 */
public record TlsSettings(Path keystore, Secret password) {
    public TlsSettings {
        Objects.requireNonNull(keystore);
        Objects.requireNonNull(password);
    }
}
