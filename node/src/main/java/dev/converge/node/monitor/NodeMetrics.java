package dev.converge.node.monitor;

import dev.converge.Node;
import dev.converge.conflict.ConflictStatus;
import dev.converge.model.NodeId;
import dev.converge.node.peer.LinkState;
import dev.converge.node.peer.PeerEvents;
import dev.converge.transport.Receipt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's metrics in a Micrometer registry, scraped as Prometheus text. Counters follow the links' events; gauges
 * that need the database (queue depth, lag, conflicts) are read once per {@link #scrape}, not per gauge. Names, as
 * Prometheus shows them:
 * <ul>
 *   <li>{@code converge_queue_changesets{peer}}: local ChangeSets the peer has not acknowledged
 *   <li>{@code converge_lag_seconds{peer}}: age of the oldest of them (0 when none)
 *   <li>{@code converge_peer_reachable{peer}}: 1 if the last delivery attempt succeeded, else 0
 *   <li>{@code converge_changesets_delivered_total{peer}}, {@code converge_changesets_received_total{peer}}
 *   <li>{@code converge_changesets_applied_total}: ChangeSets applied here (on receipt and from the inbox)
 *   <li>{@code converge_delivery_retries_total{peer}}: failed delivery attempts, each followed by a backoff
 *   <li>{@code converge_requests_refused_total{reason}}: requests this node refused, by reason
 *   <li>{@code converge_conflicts{type,outcome}}, {@code converge_conflicts_needing_review}: recorded conflicts
 * </ul>
 *
 * <p>Thread-safe: events come from any thread; {@link #scrape} may run on several at once.
 */
public final class NodeMetrics implements PeerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);

    /** The reasons the peer protocol refuses a request for (see {@code PeerReceiver}). */
    private static final List<String> REFUSAL_REASONS = List.of("malformed", "too-large", "unknown-sender", "wrong-receiver",
        "bad-signature", "tampered", "unknown-session", "replayed", "protocol-version", "rules-differ", "busy", "removed");

    private final Node node;
    private final Supplier<List<LinkState>> links;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<NodeId, Node.Backlog> backlogs = new ConcurrentHashMap<>();
    private final Map<NodeId, dev.converge.backlog.PeerStanding> standings = new ConcurrentHashMap<>();
    private final Counter applied;
    private final MultiGauge conflicts;
    private volatile long needingReview;
    private final java.util.Set<NodeId> metered = new java.util.HashSet<>();

    public NodeMetrics(Node node, Supplier<List<LinkState>> links) {
        this.node = node;
        this.links = links;
        this.applied = Counter.builder("converge.changesets.applied").description("ChangeSets applied on this node").register(registry);
        this.conflicts = MultiGauge.builder("converge.conflicts").description("conflicts recorded on this node, by type and outcome")
            .register(registry);
        Gauge.builder("converge.conflicts.needing.review", () -> needingReview).description("conflicts waiting for a person")
            .register(registry);
        for (String reason : REFUSAL_REASONS) {
            counter("converge.requests.refused", "reason", reason); // at 0 from the start, so dashboards find every series
        }
        node.peers().forEach(this::addPeer);
    }

    /**
     * Registers the meters of {@code peer} (at 0), unless they are: for a peer a running node's configuration gained on
     * a reload. The meters of a peer no longer configured stay (at their last values), so a series does not vanish.
     */
    public synchronized void addPeer(NodeId peer) {
        if (!metered.add(peer)) {
            return;
        }
        Tags tags = Tags.of("peer", peer.value());
        Gauge.builder("converge.queue.changesets", () -> backlog(peer).changeSets()).tags(tags)
            .description("local ChangeSets the peer has not acknowledged").register(registry);
        Gauge.builder("converge.lag", () -> lagSeconds(peer)).tags(tags).baseUnit("seconds")
            .description("age of the oldest ChangeSet the peer has not acknowledged").register(registry);
        Gauge.builder("converge.queue.rows", () -> backlog(peer).rows()).tags(tags)
            .description("row operations captured in the local ChangeSets the peer has not acknowledged").register(registry);
        Gauge.builder("converge.peer.marked.for.resync", () -> standing(peer).marked().isPresent() ? 1 : 0).tags(tags)
            .description("1 if this node marked the peer for resync (it keeps nothing for it; see converge status)").register(registry);
        Gauge.builder("converge.marked.for.resync.by", () -> standing(peer).markedByPeer().isPresent() ? 1 : 0).tags(tags)
            .description("1 if the peer said it marked this node for resync (run converge resync --from PEER here)").register(registry);
        Gauge.builder("converge.peer.removed", () -> standing(peer).departed().isPresent() ? 1 : 0).tags(tags)
            .description("1 if the peer was removed from the mesh (converge peer remove) but is still configured").register(registry);
        Gauge.builder("converge.peer.reachable", () -> reachable(peer)).tags(tags)
            .description("1 if the last delivery attempt to the peer succeeded").register(registry);
        counter("converge.changesets.delivered", "peer", peer.value());
        counter("converge.changesets.received", "peer", peer.value());
        counter("converge.delivery.retries", "peer", peer.value());
    }

    /** The registry, for code that adds meters of its own (the workbench). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Reads the database-backed gauges once, then renders every meter as Prometheus text. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    private void refresh() {
        try {
            for (NodeId peer : node.peers()) {
                backlogs.put(peer, node.backlog(peer));
            }
            standings.putAll(node.standings());
            List<dev.converge.conflict.ConflictCount> all = node.conflictCounts();
            Map<List<String>, Long> byTypeAndOutcome = all.stream()
                .collect(Collectors.groupingBy(c -> List.of(c.type().word(), c.outcome().word()),
                    Collectors.summingLong(dev.converge.conflict.ConflictCount::count)));
            conflicts.register(byTypeAndOutcome.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("type", e.getKey().get(0), "outcome", e.getKey().get(1)), e.getValue()))
                .toList(), true);
            needingReview = all.stream().filter(c -> c.status() == ConflictStatus.NEEDS_REVIEW)
                .mapToLong(dev.converge.conflict.ConflictCount::count).sum();
        } catch (RuntimeException e) {
            LOG.debug("cannot read metrics from the database: {}", e.toString()); // /health says so; gauges keep their last values
        }
    }

    private Node.Backlog backlog(NodeId peer) {
        return backlogs.getOrDefault(peer, new Node.Backlog(peer, 0, java.util.Optional.empty()));
    }

    private dev.converge.backlog.PeerStanding standing(NodeId peer) {
        return standings.getOrDefault(peer, dev.converge.backlog.PeerStanding.ordinary(peer));
    }

    private double lagSeconds(NodeId peer) {
        return backlog(peer).oldestCommit().map(t -> Duration.between(t, Instant.now()).toMillis() / 1000.0).orElse(0.0);
    }

    private double reachable(NodeId peer) {
        return links.get().stream().filter(l -> l.peer().equals(peer)).findFirst()
            .flatMap(LinkState::reachable).map(r -> r ? 1.0 : 0.0).orElse(0.0);
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }

    @Override
    public void delivered(NodeId peer, int changeSets) {
        counter("converge.changesets.delivered", "peer", peer.value()).increment(changeSets);
    }

    @Override
    public void retrying(NodeId peer) {
        counter("converge.delivery.retries", "peer", peer.value()).increment();
    }

    @Override
    public void received(NodeId sender, Receipt receipt) {
        counter("converge.changesets.received", "peer", sender.value()).increment(receipt.applied() + receipt.waiting());
        applied.increment(receipt.applied());
    }

    @Override
    public void appliedPending(int changeSets) {
        applied.increment(changeSets);
    }

    @Override
    public void refused(String reason) {
        counter("converge.requests.refused", "reason", reason).increment();
    }
}
