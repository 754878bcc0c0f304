package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /health}, {@code /status} and {@code /metrics} of running nodes; no secret in them nor in the logs. */
class PeerMonitoringTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthStatusAndMetricsAnswerWithoutSecrets() throws Exception {
        try (RootLogs logs = new RootLogs(); PeerMesh mesh = PeerMesh.of(Dialect.H2, "monitor", List.of("a", "b", "c")).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'x', 1)");
            mesh.sql("b").execute("insert into item values (2, 'y', 2)");
            mesh.awaitConverged(2, Duration.ofSeconds(30));

            HttpResponse<String> health = get(mesh.url("a"), "/health");
            assertEquals(200, health.statusCode(), health.body());

            HttpResponse<String> status = get(mesh.url("a"), "/status");
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("\"node\" : \"a\"") && status.body().contains("\"id\" : \"b\"")
                && status.body().contains("\"waitingChangeSets\""), status.body());

            HttpResponse<String> metrics = get(mesh.url("a"), "/metrics");
            assertEquals(200, metrics.statusCode());
            for (String name : List.of("converge_queue_changesets{peer=\"b\"}", "converge_lag_seconds{peer=\"c\"}",
                "converge_peer_reachable{peer=\"b\"}", "converge_changesets_delivered_total{peer=\"b\"}",
                "converge_changesets_received_total{peer=\"b\"}", "converge_changesets_applied_total",
                "converge_delivery_retries_total{peer=\"b\"}", "converge_requests_refused_total{reason=\"bad-signature\"}",
                "converge_conflicts_needing_review")) {
                assertTrue(metrics.body().contains(name), name + " is in /metrics:\n" + metrics.body());
            }
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), "Prometheus text");

            for (String secret : mesh.secrets()) {
                assertFalse(status.body().contains(secret), "/status holds a secret");
                assertFalse(metrics.body().contains(secret), "/metrics holds a secret");
                logs.lines().forEach(l -> assertFalse(l.contains(secret), "a log line holds a secret: " + l));
            }
        }
    }

    @Test
    void healthIs503WhenTheDatabaseDoesNotAnswer() throws Exception {
        try (PeerMesh mesh = PeerMesh.of(Dialect.H2, "health", List.of("a", "b")).startAll()) {
            mesh.cutDatabase("a");
            HttpResponse<String> health = get(mesh.url("a"), "/health");
            assertEquals(503, health.statusCode(), health.body());
            assertEquals(200, get(mesh.url("a"), "/status").statusCode(), "status still answers, saying the database is down");
            assertTrue(get(mesh.url("a"), "/status").body().contains("\"database\" : \"down\""));
        }
    }
}
