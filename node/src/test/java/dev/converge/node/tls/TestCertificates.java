package dev.converge.node.tls;

import dev.converge.node.peer.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Keystores and truststores for a test, made in its temporary folder by the JDK's own {@code keytool}, exactly as the
 * README tells a user to make them: one PKCS#12 keystore per node with an EC key and a self-signed certificate naming
 * 127.0.0.1 and localhost, its certificate exported, and truststores importing the certificates of whoever is to be
 * trusted. Every store has the password {@link #PASSWORD}. Confined to the test's thread.
 */
public final class TestCertificates {
    /** The password of every store made here: easy to look for in logs and output. */
    public static final String PASSWORD = "st0re-pass-4711-xyzzy";
    /** What the certificates name, unless a test says otherwise. */
    public static final String LOCAL = "ip:127.0.0.1,dns:localhost";

    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Node {@code name}'s PKCS#12 keystore (made once), its certificate naming {@link #LOCAL}. */
    public Path keystore(String name) {
        Path store = dir.resolve(name + ".p12");
        if (!store.toFile().exists()) {
            keystore(name, "EC", LOCAL, "PKCS12");
        }
        return store;
    }

    /**
     * A keystore {@code name}.p12 (or .jks) with a key of {@code keyalg} and a certificate naming {@code san}.
     *
     * @param extra further keytool arguments, e.g. {@code -startdate -2d -validity 1} for an expired certificate
     */
    public Path keystore(String name, String keyalg, String san, String storetype, String... extra) {
        Path store = dir.resolve(name + (storetype.equals("JKS") ? ".jks" : ".p12"));
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", keyalg, "-dname", "CN=" + name,
            "-ext", "SAN=" + san, "-storetype", storetype, "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass",
            PASSWORD));
        if (!List.of(extra).contains("-validity")) {
            args.addAll(List.of("-validity", "30"));
        }
        args.addAll(List.of(extra));
        keytool(args);
        return store;
    }

    /** Node {@code name}'s certificate, exported from its keystore (PEM). */
    public Path certificate(String name) {
        Path cert = dir.resolve(name + ".crt");
        if (!cert.toFile().exists()) {
            keytool(List.of("-exportcert", "-rfc", "-alias", name, "-keystore", keystore(name).toString(), "-storepass", PASSWORD,
                "-file", cert.toString()));
        }
        return cert;
    }

    /** A PKCS#12 truststore {@code file}.p12 with the certificates of {@code trusted} nodes. */
    public Path truststore(String file, String... trusted) {
        Path store = dir.resolve(file + ".p12");
        for (String name : trusted) {
            keytool(List.of("-importcert", "-noprompt", "-alias", name, "-file", certificate(name).toString(), "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD));
        }
        return store;
    }

    /** A store file of this class, with its password. */
    public static StoreFile file(Path store) {
        return new StoreFile(store, Secret.of(PASSWORD));
    }

    /** Node {@code name} serving HTTPS with its keystore and trusting {@code trusted}'s certificates. */
    public NodeTls tls(String name, String... trusted) {
        Path trust = truststore(name + "-trusts-" + String.join("-", trusted), trusted);
        return NodeTls.load(Optional.of(file(keystore(name))), Optional.of(file(trust)))
            .getOrElseThrow((String why) -> new AssertionError(why));
    }

    private static void keytool(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("keytool " + args.get(0) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while keytool ran", e);
        }
    }
}
