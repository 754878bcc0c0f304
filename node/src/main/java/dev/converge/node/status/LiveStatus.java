package dev.converge.node.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.node.tls.NodeTls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The status of a running node, from its {@code GET /status} endpoint (over HTTPS when the node serves it, verified
 * with the node's {@link NodeTls} trust), as lines a person reads: per peer whether it is
 * reachable, what waits for it and since when, the last error; what was applied here, what is held back, the
 * conflicts. Used by {@code converge status} before it falls back to the database (a stopped node). Stateless.
 */
public final class LiveStatus {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LiveStatus() {
    }

    /** The status URL of a node listening on {@code listen} over plain HTTP. */
    public static URI url(InetSocketAddress listen) {
        return url(listen, "http");
    }

    /**
     * The status URL of a node listening on {@code listen} with {@code scheme} ({@code http} or {@code https}). A
     * wildcard address is asked on the loopback, 127.0.0.1: over HTTPS the node's certificate must then name that
     * address (a subject alternative name {@code ip:127.0.0.1}).
     */
    public static URI url(InetSocketAddress listen, String scheme) {
        String host = listen.getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.getPort() + "/status");
    }

    /**
     * What asking a node for its status gave.
     *
     * @param status the status, if the node answered with one
     * @param problem why not, when it is worth saying (TLS failed, an unexpected answer); empty when nothing answers
     *     (the node is stopped)
     */
    public record Reading(Optional<NodeStatus> status, Optional<String> problem) {
    }

    /** The running node's status, or empty if nothing answers there (the node is stopped); plain HTTP trust. */
    public static Optional<NodeStatus> read(URI url, Duration timeout) {
        return read(url, timeout, NodeTls.plain()).status();
    }

    /**
     * Asks the node at {@code url}, verifying an HTTPS server with {@code tls}'s trust. Blocks up to about twice
     * {@code timeout}.
     */
    public static Reading read(URI url, Duration timeout, NodeTls tls) {
        HttpClient client = tls.configure(HttpClient.newBuilder()).connectTimeout(timeout).build();
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return new Reading(Optional.empty(), Optional.of(url + " answered " + r.statusCode()));
            }
            return new Reading(Optional.of(JSON.readValue(r.body(), NodeStatus.class)), Optional.empty());
        } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
            return new Reading(Optional.empty(), Optional.empty()); // nothing listens: the node is stopped
        } catch (HttpTimeoutException e) {
            return new Reading(Optional.empty(), Optional.of("no answer within " + timeout.toSeconds() + " s"));
        } catch (IOException e) {
            // something answers, but not as a node does: say what (a certificate not trusted, a broken answer)
            return new Reading(Optional.empty(), Optional.of(NodeTls.explain(e, url).orElse(e.toString())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reading(Optional.empty(), Optional.empty());
        }
    }

    /** The advice about a peer's standing (resync marks either way, removal), one line each; none for most peers. */
    static List<String> standing(NodeStatus.PeerStatus p) {
        List<String> out = new ArrayList<>();
        if (p.resync() != null) {
            out.add(p.resync());
        }
        if (p.resyncOfThisNode() != null) {
            out.add(p.id() + " says: " + p.resyncOfThisNode());
        }
        if (p.removed() != null) {
            out.add(p.removed());
        }
        if (p.unlinked() != null) {
            out.add(p.unlinked());
        }
        return out;
    }

    public static List<String> lines(NodeStatus s, URI from) {
        List<String> lines = new ArrayList<>();
        lines.add("node " + s.node() + " is running (from " + from + "); its database is " + s.database());
        for (NodeStatus.PeerStatus p : s.peers()) {
            String reach = p.reachable() == null ? "not tried yet" : p.reachable() ? "reachable" : "NOT reachable";
            String rows = p.waitingRows() == null ? "" : " (" + StatusReport.rows(p.waitingRows()) + ")";
            String waiting = p.waitingChangeSets() == null ? "" : p.waitingChangeSets() == 0 ? ", nothing waiting"
                : ", " + p.waitingChangeSets() + " ChangeSets" + rows + " waiting" + (p.oldestUnacknowledgedSeconds() == null ? ""
                : ", the oldest " + Math.round(p.oldestUnacknowledgedSeconds()) + "s old");
            String acked = p.acknowledged() == null ? "" : " (acknowledged up to " + p.acknowledged() + ")";
            String error = p.lastError() == null ? "" : "; last error: " + p.lastError();
            String refusal = p.lastRefusal() == null ? "" : "; its last request refused here: " + p.lastRefusal();
            lines.add("peer " + p.id() + " at " + p.url() + ": " + reach + waiting + acked + error + refusal);
            standing(p).forEach(l -> lines.add("  " + l));
        }
        if (s.notYetSequenced() != null && s.notYetSequenced() > 0) {
            lines.add("captured, not yet sequenced: " + s.notYetSequenced() + " transactions");
        }
        if (s.applied() != null) {
            lines.add("applied here: " + (s.applied().isEmpty() ? "nothing yet" : s.applied().entrySet().stream()
                .map(e -> e.getKey() + " up to " + e.getValue()).collect(Collectors.joining(", "))));
        }
        if (s.heldBack() != null) {
            lines.add("held back: " + s.heldBack() + " ChangeSets received and waiting for their dependencies");
        }
        lines.add("conflicts: " + (s.conflicts() == null ? "unknown" : s.conflicts()) + " recorded, "
            + (s.conflictsNeedingReview() == null ? "unknown" : s.conflictsNeedingReview()) + " to review");
        return lines;
    }
}
