package dev.converge.node.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.Node;
import dev.converge.model.NodeId;
import dev.converge.node.peer.LinkState;
import dev.converge.node.peer.PeerEndpoint;
import io.javalin.config.JavalinConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The node's monitoring endpoints: {@code GET /health} (200 when the database answers within two seconds, else 503;
 * for load balancers), {@code GET /status} ({@link NodeStatus} as JSON) and {@code GET /metrics} (Prometheus text, see
 * {@link NodeMetrics}). Reads only; thread-safe.
 */
public final class Monitor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Node node;
    private final DataSource db;
    /** The configured peers; replaced whole by {@link #reconfigure}. */
    private volatile List<PeerEndpoint> peers;
    private final Supplier<List<LinkState>> links;
    private final Supplier<Map<NodeId, String>> refusals;
    private final NodeMetrics metrics;

    /**
     * @param links how each link stands ({@link dev.converge.node.peer.PeerLinks#states})
     * @param refusals the last refused request of each peer ({@link dev.converge.node.peer.PeerReceiver#lastRefusals})
     */
    public Monitor(Node node, DataSource db, List<PeerEndpoint> peers, Supplier<List<LinkState>> links,
                   Supplier<Map<NodeId, String>> refusals, NodeMetrics metrics) {
        this.node = node;
        this.db = db;
        this.peers = List.copyOf(peers);
        this.links = links;
        this.refusals = refusals;
        this.metrics = metrics;
    }

    /**
     * Peers no longer in the configuration file that the node still keeps (unlinked by a reload), with the URL they
     * had; replaced whole by {@link #reconfigure}.
     */
    private volatile List<PeerEndpoint> unlinked = List.of();

    /**
     * Reports on {@code endpoints} from now on (a running node reloaded its configuration); a peer reported before and
     * not among them is reported as unlinked for as long as the node still keeps it ({@link Node#peers}).
     */
    public synchronized void reconfigure(List<PeerEndpoint> endpoints) {
        java.util.Set<NodeId> linked = new java.util.HashSet<>();
        endpoints.forEach(p -> linked.add(p.id()));
        List<PeerEndpoint> left = new ArrayList<>();
        java.util.stream.Stream.concat(unlinked.stream(), peers.stream())
            .filter(p -> !linked.contains(p.id()) && left.stream().noneMatch(l -> l.id().equals(p.id()))).forEach(left::add);
        this.unlinked = List.copyOf(left);
        this.peers = List.copyOf(endpoints);
    }

    /** Adds {@code /health}, {@code /status} and {@code /metrics} to a Javalin configuration. */
    public void routes(JavalinConfig config) {
        config.routes.get("/health", ctx -> {
            boolean up = healthy();
            ctx.status(up ? 200 : 503).contentType("application/json").result(up ? "{\"status\":\"up\"}" : "{\"status\":\"down\"}");
        });
        config.routes.get("/status", ctx -> ctx.contentType("application/json").result(json(status())));
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    /** Whether the database answers within two seconds. */
    public boolean healthy() {
        try (Connection c = db.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The node's status now; a database that does not answer leaves the counts it holds null. */
    public NodeStatus status() {
        boolean up = healthy();
        Map<NodeId, String> refused = refusals.get();
        // one set of counts from the database (the same a stopped node's `converge status` reads)
        Optional<dev.converge.NodeStatus> stored = up ? read(() -> Node.status(node.config(), db).getOrNull()) : Optional.empty();
        List<NodeStatus.PeerStatus> out = new ArrayList<>();
        List<PeerEndpoint> kept = unlinked.stream().filter(p -> node.peers().contains(p.id())).toList();
        for (PeerEndpoint p : java.util.stream.Stream.concat(peers.stream(), kept.stream()).toList()) {
            boolean linked = !kept.contains(p);
            Optional<LinkState> link = links.get().stream().filter(l -> l.peer().equals(p.id())).findFirst();
            Optional<dev.converge.NodeStatus.PeerBacklog> backlog = stored.flatMap(s -> s.peers().stream()
                .filter(b -> b.peer().equals(p.id())).findFirst());
            out.add(new NodeStatus.PeerStatus(p.id().value(), p.url().toString(),
                link.flatMap(LinkState::reachable).orElse(null),
                backlog.map(dev.converge.NodeStatus.PeerBacklog::changeSetsWaiting).orElse(null),
                backlog.flatMap(dev.converge.NodeStatus.PeerBacklog::oldestWaiting)
                    .map(t -> Math.max(0, Duration.between(t, Instant.now()).toMillis()) / 1000.0).orElse(null),
                link.flatMap(LinkState::lastSuccess).map(Instant::toString).orElse(null),
                link.flatMap(LinkState::lastError).orElse(null),
                refused.get(p.id()),
                link.map(LinkState::delivered).orElse(0L),
                backlog.map(dev.converge.NodeStatus.PeerBacklog::acknowledged).orElse(null),
                backlog.map(dev.converge.NodeStatus.PeerBacklog::rowsWaiting).orElse(null),
                backlog.flatMap(b -> b.standing().marked()).map(dev.converge.backlog.ResyncMark::advice).orElse(null),
                backlog.flatMap(b -> b.standing().markedByPeer()).map(dev.converge.backlog.ResyncMark::advice).orElse(null),
                backlog.flatMap(b -> b.standing().departed())
                    .map(t -> dev.converge.backlog.PeerStanding.departedAdvice(node.id(), p.id(), t)).orElse(null),
                linked ? null : unlinkedAdvice(node.id(), p.id())));
        }
        Optional<List<dev.converge.conflict.ConflictCount>> conflicts = up ? read(node::conflictCounts) : Optional.empty();
        java.util.Map<String, Long> applied = new java.util.LinkedHashMap<>();
        stored.ifPresent(s -> s.applied().forEach(w -> applied.put(w.origin().value(), w.sequence())));
        return new NodeStatus(node.id().value(), up ? "up" : "down", out, conflicts.map(c -> c.stream().mapToLong(dev.converge.conflict.ConflictCount::count).sum()).orElse(null),
            stored.map(dev.converge.NodeStatus::conflictsToReview).orElse(null), Instant.now().toString(),
            stored.map(dev.converge.NodeStatus::notYetSequenced).orElse(null), stored.map(dev.converge.NodeStatus::heldBack).orElse(null),
            stored.isPresent() ? applied : null);
    }

    /** What to know about a peer only missing from the file: it is unlinked, not removed. */
    static String unlinkedAdvice(NodeId self, NodeId peer) {
        return "peer " + peer + " is no longer in the configuration file: unlinked since the last reload, but " + self
            + " still keeps what it has not acknowledged; `converge peer remove " + peer + "` removes it for good, listing it"
            + " again and reloading links it again";
    }

    private static <T> Optional<T> read(Supplier<T> query) {
        try {
            return Optional.of(query.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static String json(NodeStatus status) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write status", e);
        }
    }
}
