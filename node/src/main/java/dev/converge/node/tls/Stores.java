package dev.converge.node.tls;

import io.vavr.control.Either;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Opens keystores and truststores with the JDK's {@link KeyStore} (the type, PKCS#12 or JKS, is found from the file)
 * and says what is wrong with one in a person's words, so that {@code converge config check} and {@code run} report a
 * missing file, a wrong password or a store without a key as a problem at the key it is about, never as a stack
 * trace. No message holds a password. Stateless and thread-safe.
 */
public final class Stores {
    private Stores() {
    }

    /**
     * What is wrong with a store file.
     *
     * @param aboutPassword whether the password is the cause (the problem then belongs at the password's key)
     * @param message what is wrong and what to do, without the password
     */
    public record Problem(boolean aboutPassword, String message) {
    }

    /**
     * The keystore a server presents its certificate from: readable, the password right, and at least one private key
     * with a certificate, readable with the same password and valid now.
     */
    public static Either<Problem, KeyStore> keys(StoreFile file, Instant now) {
        return open(file).flatMap(store -> keyEntries(file, store, now).map(ignored -> store));
    }

    /** A truststore: readable, the password right, and at least one trusted certificate. */
    public static Either<Problem, KeyStore> trust(StoreFile file) {
        return open(file).flatMap(store -> {
            try {
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isCertificateEntry(alias)) {
                        return Either.right(store);
                    }
                }
            } catch (KeyStoreException e) {
                return Either.left(new Problem(false, "cannot list the entries of " + file.path() + ": " + e.getMessage()));
            }
            return Either.left(new Problem(false, file.path() + " holds no trusted certificate, so it would trust nobody "
                + "(import the peers' certificates or their CA's with keytool -importcert)"));
        });
    }

    private static Either<Problem, KeyStore> open(StoreFile file) {
        if (!Files.isRegularFile(file.path()) || !Files.isReadable(file.path())) {
            return Either.left(new Problem(false, "no readable file " + file.path()));
        }
        char[] password = file.password().chars();
        try {
            return Either.right(KeyStore.getInstance(file.path().toFile(), password));
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                return Either.left(new Problem(true, "the password does not open " + file.path()
                    + " (or the file is damaged)"));
            }
            return Either.left(new Problem(false, "cannot read " + file.path() + " as a PKCS#12 or JKS keystore: " + e.getMessage()));
        } catch (KeyStoreException e) {
            return Either.left(new Problem(false, file.path() + " is not a PKCS#12 or JKS keystore"));
        } catch (GeneralSecurityException e) {
            return Either.left(new Problem(false, "cannot read " + file.path() + ": " + e.getMessage()));
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** The aliases of the private keys; a problem if there is none, or one cannot be read or used now. */
    private static Either<Problem, List<String>> keyEntries(StoreFile file, KeyStore store, Instant now) {
        List<String> keys = new ArrayList<>();
        char[] password = file.password().chars();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                try {
                    // Jetty's key manager opens every key with the store's password: a key with its own would fail there
                    store.getKey(alias, password);
                } catch (UnrecoverableKeyException e) {
                    return Either.left(new Problem(true, "the key '" + alias + "' in " + file.path() + " has another password"
                        + " than the keystore; give it the keystore's (keytool -keypasswd) or use a PKCS#12 keystore"));
                }
                Certificate cert = store.getCertificate(alias);
                if (!(cert instanceof X509Certificate x509)) {
                    return Either.left(new Problem(false, "the key '" + alias + "' in " + file.path() + " has no X.509 certificate"));
                }
                try {
                    x509.checkValidity(java.util.Date.from(now));
                } catch (CertificateExpiredException e) {
                    return Either.left(new Problem(false, "the certificate of '" + alias + "' in " + file.path() + " expired on "
                        + x509.getNotAfter().toInstant() + "; peers would refuse it"));
                } catch (CertificateNotYetValidException e) {
                    return Either.left(new Problem(false, "the certificate of '" + alias + "' in " + file.path()
                        + " is valid only from " + x509.getNotBefore().toInstant() + "; peers would refuse it"));
                }
                keys.add(alias);
            }
        } catch (GeneralSecurityException e) {
            return Either.left(new Problem(false, "cannot read the keys of " + file.path() + ": " + e.getMessage()));
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        if (keys.isEmpty()) {
            return Either.left(new Problem(false, file.path() + " holds no private key, only certificates: a server needs its "
                + "key and certificate (keytool -genkeypair, or openssl pkcs12 -export from a key and certificate)"));
        }
        return Either.right(keys);
    }
}
