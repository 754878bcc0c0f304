package dev.converge.node.config;

import dev.converge.node.tls.NodeTls;
import dev.converge.node.tls.StoreFile;
import io.vavr.control.Either;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration's {@code tls} section: a keystore (the node then serves HTTPS) and/or a truststore (whom the node's
 * clients trust when they call {@code https://} peers and the node itself; without one, the JDK's default trust).
 * Immutable; prints without passwords.
 *
 * @param keystore the node's key and certificate, a PKCS#12 or JKS file resolved against the configuration file's folder
 * @param truststore the certificates or CAs to trust, likewise
 */
public record TlsSettings(Optional<StoreFile> keystore, Optional<StoreFile> truststore) {
    public TlsSettings {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(truststore, "truststore");
    }

    /** Opens the stores (again: they may have changed since the file was read) into the node's TLS. */
    public Either<String, NodeTls> load() {
        return NodeTls.load(keystore, truststore);
    }
}
