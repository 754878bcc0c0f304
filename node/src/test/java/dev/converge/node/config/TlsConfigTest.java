package dev.converge.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.node.tls.TestCertificates;
import io.vavr.control.Either;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls} section as a user writes it, with stores keytool made: what is read, and each mistake told at its
 * file, line and key, without the password. The stores are opened while the file is read, so {@code config check}
 * and {@code run} report the same problems.
 */
class TlsConfigTest {
    private static final Map<String, String> ENV = Map.of("TLS_PASSWORD", TestCertificates.PASSWORD, "WRONG", "not-the-password");
    private static final String HEAD = """
        id: A
        database: {url: "jdbc:h2:./data/a"}
        tables: {pers: }
        """;

    @TempDir
    Path dir;
    private Path file;
    private TestCertificates certs;

    @BeforeEach
    void stores() {
        file = dir.resolve("a.yaml");
        certs = new TestCertificates(dir);
    }

    private Either<List<ConfigProblem>, NodeSettings> parse(String tls) {
        return NodeFile.parse(file, HEAD + tls, ENV::get);
    }

    private List<String> problems(String tls) {
        Either<List<ConfigProblem>, NodeSettings> read = parse(tls);
        assertTrue(read.isLeft(), () -> "expected problems, but the file was accepted: " + read.get());
        List<String> all = read.getLeft().stream().map(ConfigProblem::toString).toList();
        assertFalse(String.join("\n", all).contains(TestCertificates.PASSWORD), "a password is never shown: " + all);
        return all;
    }

    @Test
    void aKeystoreAndATruststoreRelativeToTheFileAreReadAndServeHttps() {
        certs.keystore("a");
        certs.truststore("trust", "a");
        NodeSettings s = parse("""
            tls:
              keystore: a.p12
              password: "${TLS_PASSWORD}"
              truststore: trust.p12
              truststore_password: "${TLS_PASSWORD}"
            """).getOrElseThrow(p -> new AssertionError(p.toString()));
        TlsSettings tls = s.tls().orElseThrow();
        assertEquals(dir.resolve("a.p12"), tls.keystore().orElseThrow().path());
        assertEquals(dir.resolve("trust.p12"), tls.truststore().orElseThrow().path());
        assertFalse(s.toString().contains(TestCertificates.PASSWORD), "no password prints: " + s);
        assertTrue(s.loadTls().get().serves());
        assertEquals("https", s.loadTls().get().scheme());
    }

    @Test
    void aJksKeystoreWithAnRsaKeyServesAsWell() {
        certs.keystore("rsa", "RSA", TestCertificates.LOCAL, "JKS");
        NodeSettings s = parse("tls: {keystore: rsa.jks, password: \"${TLS_PASSWORD}\"}\n")
            .getOrElseThrow(p -> new AssertionError(p.toString()));
        assertTrue(s.loadTls().get().serves());
    }

    @Test
    void aTruststoreAloneServesPlainHttpAndTrustsItsCertificates() {
        certs.truststore("trust", "b");
        NodeSettings s = parse("tls: {truststore: trust.p12, truststore_password: \"${TLS_PASSWORD}\"}\n")
            .getOrElseThrow(p -> new AssertionError(p.toString()));
        assertFalse(s.loadTls().get().serves());
        assertEquals("http", s.loadTls().get().scheme());
    }

    @Test
    void aMissingKeystoreIsAProblemAtItsKey() {
        assertEquals(List.of(file + ":5:13: tls.keystore: no readable file " + dir.resolve("gone.p12")),
            problems("tls:\n  keystore: gone.p12\n  password: \"${TLS_PASSWORD}\"\n"));
    }

    @Test
    void aWrongPasswordIsAProblemAtThePasswordAndShowsNoPassword() {
        certs.keystore("a");
        assertEquals(List.of(file + ":6:13: tls.password: the password does not open " + dir.resolve("a.p12")
                + " (or the file is damaged)"),
            problems("tls:\n  keystore: a.p12\n  password: \"${WRONG}\"\n"));
        certs.truststore("trust", "a");
        assertEquals(List.of(file + ":6:24: tls.truststore_password: the password does not open " + dir.resolve("trust.p12")
                + " (or the file is damaged)"),
            problems("tls:\n  truststore: trust.p12\n  truststore_password: wrong-and-shown\n"));
    }

    @Test
    void anUnknownKeyIsAProblemWithTheClosestKnownKey() {
        certs.keystore("a");
        assertEquals(List.of(file + ":7:3: tls.trustsore: unknown key (did you mean 'truststore'? known keys: keystore, password, "
                + "truststore, truststore_password)"),
            problems("tls:\n  keystore: a.p12\n  password: \"${TLS_PASSWORD}\"\n  trustsore: trust.p12\n"));
    }

    @Test
    void aStoreNeedsItsPasswordAndAPasswordItsStore() {
        certs.keystore("a");
        assertEquals(List.of(file + ":5:3: tls.password: missing: expected the keystore's password (write ${ENV_VAR})"),
            problems("tls:\n  keystore: a.p12\n"));
        assertEquals(List.of(file + ":7:24: tls.truststore_password: a password without a truststore (add tls.truststore, or "
                + "remove this key)"),
            problems("tls:\n  keystore: a.p12\n  password: \"${TLS_PASSWORD}\"\n  truststore_password: x\n"));
        assertEquals(List.of(file + ":4:6: tls: expected keystore (to serve HTTPS) and/or truststore (whom to trust when calling "
                + "https:// peers), found neither"),
            problems("tls: {}\n"));
    }

    @Test
    void aKeystoreWithoutAKeyOrATruststoreWithoutACertificateIsAProblem() {
        certs.truststore("trust", "a");
        String noKey = problems("tls: {keystore: trust.p12, password: \"${TLS_PASSWORD}\"}\n").get(0);
        assertTrue(noKey.startsWith(file + ":4:17: tls.keystore: " + dir.resolve("trust.p12") + " holds no private key, only "
            + "certificates"), noKey);
        String noCert = problems("tls: {truststore: a.p12, truststore_password: \"${TLS_PASSWORD}\"}\n").get(0);
        assertTrue(noCert.startsWith(file + ":4:19: tls.truststore: " + dir.resolve("a.p12") + " holds no trusted certificate"),
            noCert);
    }

    @Test
    void anExpiredCertificateIsAProblem() {
        certs.keystore("old", "EC", TestCertificates.LOCAL, "PKCS12", "-startdate", "-10d", "-validity", "2");
        String problem = problems("tls: {keystore: old.p12, password: \"${TLS_PASSWORD}\"}\n").get(0);
        assertTrue(problem.startsWith(file + ":4:17: tls.keystore: the certificate of 'old' in " + dir.resolve("old.p12")
            + " expired on "), problem);
    }

    @Test
    void aFileThatIsNoKeystoreIsAProblem() throws Exception {
        Files.writeString(dir.resolve("a.pem"), "-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n");
        String problem = problems("tls: {keystore: a.pem, password: \"${TLS_PASSWORD}\"}\n").get(0);
        assertTrue(problem.startsWith(file + ":4:17: tls.keystore: " + dir.resolve("a.pem") + " is not a PKCS#12 or JKS keystore"),
            problem);
    }
}
