package dev.converge.node.conflicts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.node.tls.NodeTls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A client of a running node's workbench JSON API ({@code /api/v1}), as {@code converge conflicts} uses it: HTTP Basic
 * as one workbench user, JSON in and out. An answer other than 2xx, or no answer, is a {@link Failure} whose message
 * says what happened in a person's words (the API's own error text where it gave one). Confined to one thread.
 */
public final class WorkbenchClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    /** As the full constructor, verifying an {@code https://} node with the JDK's default trust. */
    public WorkbenchClient(URI base, String user, char[] password) {
        this(base, user, password, NodeTls.plain());
    }

    /**
     * @param base the node's base URL, e.g. {@code http://127.0.0.1:7401} or {@code https://a.example:7401}
     * @param user a workbench user's name
     * @param password their password (kept only inside the Authorization header's value)
     * @param tls whom to trust when {@code base} is {@code https://} (the certificate and its host name are verified)
     */
    public WorkbenchClient(URI base, String user, char[] password, NodeTls tls) {
        this.http = tls.configure(HttpClient.newBuilder()).connectTimeout(Duration.ofSeconds(5)).build();
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /api/v1/conflicts} with these parameters (absent ones left out). */
    public JsonNode list(Map<String, String> parameters) {
        String query = parameters.entrySet().stream().filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conflicts" + (query.isEmpty() ? "" : "?" + query))).GET());
    }

    /** {@code GET /api/v1/conflicts/{id}}. */
    public JsonNode show(long id) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conflicts/" + id)).GET());
    }

    /** {@code POST /api/v1/conflicts/{id}/decision}. */
    public JsonNode decide(long id, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conflicts/" + id + "/decision"))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** {@code POST /api/v1/decisions}. */
    public JsonNode decideAll(JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/v1/decisions")).POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> r;
        try {
            r = http.send(request.timeout(TIMEOUT).header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure("nothing answers at " + base + ": is the node running (converge run)?");
        } catch (HttpTimeoutException e) {
            throw new Failure(base + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new Failure(NodeTls.explain(e, base).orElse("cannot reach " + base + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        if (r.statusCode() / 100 == 2 && body != null) {
            return body;
        }
        String reason = body != null && body.hasNonNull("error") ? body.get("error").asText() : "HTTP " + r.statusCode();
        throw new Failure(switch (r.statusCode()) {
            case 401 -> "login refused: " + reason;
            case 403 -> "not allowed: " + reason;
            case 404 -> reason.startsWith("HTTP") ? base + " serves no workbench (are workbench users configured?)" : reason;
            case 409 -> "refused: " + reason;
            default -> reason;
        });
    }

    /** Why a request did not succeed, in a person's words. */
    public static final class Failure extends RuntimeException {
        public Failure(String message) {
            super(message, null, false, false);
        }
    }
}
