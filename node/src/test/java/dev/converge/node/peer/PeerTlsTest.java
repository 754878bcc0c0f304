package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.node.tls.NodeTls;
import dev.converge.node.tls.TestCertificates;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers over HTTPS, with keystores and truststores made by keytool for the test: replication both ways on both
 * dialects with the status, health and metrics on the same port; a peer whose certificate is not trusted is refused
 * with a clear error, nothing of its queue lost, and caught up once it is trusted; the HTTPS port does not speak plain
 * HTTP, and a sender that mixes up the schemes is told so; a certificate that names another host is refused.
 */
class PeerTlsTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private HttpClient client(NodeTls tls) {
        return tls.configure(HttpClient.newBuilder()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AllDialects
    void twoNodesReplicateBothWaysOverHttps(Dialect dialect) throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        try (RootLogs logs = new RootLogs(); PeerMesh mesh = PeerMesh.of(dialect, "tls", List.of("a", "b"))) {
            mesh.tls("a", certs.tls("a", "a", "b")).tls("b", certs.tls("b", "a", "b")).startAll();
            assertTrue(mesh.url("a").toString().startsWith("https://127.0.0.1:"), mesh.url("a").toString());
            for (int i = 1; i <= 10; i++) {
                mesh.sql("a").execute("insert into item values (" + i + ", 'a" + i + "', " + i + ")");
                mesh.sql("b").execute("insert into item values (" + (100 + i) + ", 'b" + i + "', " + i + ")");
            }
            mesh.awaitConverged(20, BOUND);
            mesh.sql("b").execute("update item set qty = 99 where id = 1");
            Await.until(() -> mesh.items("a").toLowerCase().contains("qty=99"), BOUND, "a has b's update, over HTTPS");
            Await.until(() -> mesh.running("a").status().peers().stream().allMatch(p -> Boolean.TRUE.equals(p.reachable())
                && p.waitingChangeSets() == 0), BOUND, "a's status says b is reachable over HTTPS and nothing waits");
            assertEquals("https", mesh.running("a").scheme());

            // the status, health and metrics are on the same HTTPS port, for a client that trusts the node
            HttpClient trusting = client(mesh.tls("b"));
            for (String path : List.of("/health", "/status", "/metrics")) {
                HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create(mesh.url("a") + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), path + " answers over HTTPS: " + r.body());
            }
            String all = String.join("\n", logs.lines());
            assertFalse(all.contains(TestCertificates.PASSWORD), "no keystore password in the logs");
            assertFalse(mesh.running("a").status().toString().contains(TestCertificates.PASSWORD), "nor in the status");
        }
    }

    @Test
    void aPeerWhoseCertificateIsNotTrustedIsRefusedAndCaughtUpOnceTrusted() {
        TestCertificates certs = new TestCertificates(dir);
        try (RootLogs logs = new RootLogs(); PeerMesh mesh = PeerMesh.of(Dialect.H2, "untrusted", List.of("a", "b"))) {
            // a trusts only itself: b's certificate is a stranger's to it; b trusts both
            mesh.tls("a", certs.tls("a", "a")).tls("b", certs.tls("b", "a", "b")).startAll();
            for (int i = 1; i <= 5; i++) {
                mesh.sql("a").execute("insert into item values (" + i + ", 'from a', " + i + ")");
            }
            mesh.sql("b").execute("insert into item values (100, 'from b', 1)");
            Await.until(() -> {
                NodeStatus.PeerStatus b = mesh.running("a").status().peers().get(0);
                // the first attempt may come before b listens (connection refused): wait for the certificate's refusal
                return Boolean.FALSE.equals(b.reachable()) && b.lastError() != null && b.lastError().contains("not trusted here");
            }, BOUND, "a's link to b has failed on b's certificate");
            NodeStatus.PeerStatus b = mesh.running("a").status().peers().get(0);
            assertTrue(b.lastError().contains("peer b is unavailable: the certificate 127.0.0.1 presents is not trusted here "
                + "(add it, or the CA that signed it, to tls.truststore)"), b.lastError());
            Await.until(() -> mesh.running("a").status().peers().get(0).waitingChangeSets() == 5, BOUND,
                "a keeps every ChangeSet for b: " + mesh.running("a").status().peers().get(0));
            assertEquals(0, count(mesh, "b", "'from a'"), "nothing of a's reached b");
            Await.until(() -> count(mesh, "a", "'from b'") == 1, BOUND, "b, which trusts a, still delivers to it");
            Await.until(() -> logs.lines().stream().anyMatch(l -> l.contains("is not trusted here")), BOUND,
                "the refusal is logged: " + logs.lines());

            mesh.stop("a");
            mesh.tls("a", certs.tls("a", "a", "b"));
            mesh.start("a");
            mesh.awaitConverged(6, BOUND);
            Await.until(() -> mesh.running("a").status().peers().get(0).waitingChangeSets() == 0, BOUND,
                "once a trusts b, b acknowledges everything a had kept for it");
        }
    }

    @Test
    void theHttpsPortDoesNotSpeakPlainHttp() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        try (PeerMesh mesh = PeerMesh.of(Dialect.H2, "plain", List.of("a", "b"))) {
            mesh.tls("b", certs.tls("b", "b")).start("b");
            URI plain = URI.create(mesh.url("b").toString().replace("https://", "http://"));
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(plain + "/health")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()), "a plain HTTP request to the HTTPS port gets no answer");

            // a peer that has http:// for it is told that nothing answers there as a node would
            HttpTransport a = new HttpTransport(NodeId.of("a"), () -> Handshake.rules(mesh.node("a")),
                List.of(new PeerEndpoint(NodeId.of("b"), plain, Secret.of(mesh.secret("a", "b")))), PeerMesh.LIMITS);
            PeerUnavailableException e = assertThrows(PeerUnavailableException.class,
                () -> a.ask(NodeId.of("b"), dev.converge.model.ChangeSetCodec.mapper().createObjectNode()));
            assertTrue(e.getMessage().startsWith("peer b is unavailable: what answers at " + plain + " does not speak plain HTTP "
                + "(does it serve HTTPS? then write https://)"), e.getMessage());

            // and the other way round: https:// for a node that serves plain HTTP
            mesh.start("a");
            URI tlsForPlain = URI.create(mesh.url("a").toString().replace("http://", "https://"));
            HttpTransport b = new HttpTransport(NodeId.of("b"), () -> Handshake.rules(mesh.node("b")),
                List.of(new PeerEndpoint(NodeId.of("a"), tlsForPlain, Secret.of(mesh.secret("a", "b")))), PeerMesh.LIMITS, mesh.tls("b"));
            PeerUnavailableException f = assertThrows(PeerUnavailableException.class,
                () -> b.ask(NodeId.of("a"), dev.converge.model.ChangeSetCodec.mapper().createObjectNode()));
            assertEquals("peer a is unavailable: nothing speaks HTTPS at " + tlsForPlain + " (is it a plain HTTP port? then write http://)",
                f.getMessage());
        }
    }

    @Test
    void aCertificateThatNamesAnotherHostIsRefused() {
        TestCertificates certs = new TestCertificates(dir);
        certs.keystore("b", "EC", "dns:b.example", "PKCS12");
        try (PeerMesh mesh = PeerMesh.of(Dialect.H2, "hostname", List.of("a", "b"))) {
            mesh.tls("a", certs.tls("a", "a", "b")).tls("b", certs.tls("b", "a", "b")).startAll();
            mesh.sql("a").execute("insert into item values (1, 'x', 1)");
            // the first attempt may come before b listens (connection refused): wait for the certificate's refusal
            Await.until(() -> {
                String e = mesh.running("a").status().peers().get(0).lastError();
                return e != null && !e.contains("cannot reach");
            }, BOUND, "a's delivery fails on b's certificate");
            String error = mesh.running("a").status().peers().get(0).lastError();
            assertTrue(error.contains("does not name the host 127.0.0.1"), error);
            assertEquals(0, count(mesh, "b", "'x'"));
        }
    }

    private static int count(PeerMesh mesh, String id, String name) {
        return ((Number) mesh.sql(id).scalar("select count(*) from item where name = " + name)).intValue();
    }
}
