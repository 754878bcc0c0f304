package dev.converge.node.run;

import dev.converge.Node;
import dev.converge.model.NodeId;
import dev.converge.node.check.CheckAnswers;
import dev.converge.node.resync.SnapshotAnswers;
import dev.converge.node.resync.SnapshotLoad;
import dev.converge.node.monitor.Monitor;
import dev.converge.node.monitor.NodeMetrics;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.node.peer.HttpTransport;
import dev.converge.node.peer.PeerEndpoint;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.peer.PeerLinks;
import dev.converge.node.peer.PeerReceiver;
import dev.converge.node.tls.NodeTls;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node at work: its HTTP or HTTPS server (the peer routes, the consistency check's questions from peers, {@code /health}, {@code /status}, {@code /metrics}, and whatever
 * routes the caller adds, e.g. the workbench's) on the listen address, and its links (a sender per peer, an apply
 * loop). What {@code converge run} and the demo start.
 *
 * <p>Lifecycle: the constructor starts everything (and, if the server cannot bind, stops what it started and throws);
 * {@link #reconfigure} changes the peers while it runs (a reload of its file, see {@link ConfigReload});
 * {@link #close} stops the links (interrupts and joins their threads), then the server. The node itself and its
 * {@link DataSource} stay the caller's. Thread-safe.
 */
public final class RunningNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningNode.class);

    private final Node node;
    private final PeerLinks links;
    private final HttpTransport transport;
    /** Whether a snapshot is loading ({@link #loadSnapshot}). */
    private final java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean();
    private final PeerReceiver receiver;
    private final Monitor monitor;
    private final NodeMetrics metrics;
    private final Javalin server;
    private final SnapshotAnswers snapshots;
    private final NodeTls tls;
    private boolean closed;

    /** As the full constructor, without routes of the caller's. */
    public RunningNode(Node node, DataSource db, InetSocketAddress listen, List<PeerEndpoint> peers, PeerLimits limits) {
        this(node, db, listen, peers, limits, List.of());
    }

    /** As the full constructor, over plain HTTP (clients trusting the JDK's default CAs for {@code https://} peers). */
    public RunningNode(Node node, DataSource db, InetSocketAddress listen, List<PeerEndpoint> peers, PeerLimits limits,
                       List<Consumer<JavalinConfig>> routes) {
        this(node, db, listen, peers, limits, NodeTls.plain(), routes);
    }

    /**
     * Starts the node's server and links.
     *
     * @param node the opened node
     * @param db its database (for {@code /health})
     * @param listen where to listen; port 0 picks a free one ({@link #port()})
     * @param peers every peer of the node's configuration, with its URL and secret
     * @param limits body sizes, timeouts, backoff
     * @param tls whether the server speaks HTTPS (then only HTTPS), and whom the links to the peers trust
     * @param routes more routes for the same server, added in order after the node's own
     * @throws IllegalArgumentException if the peers do not match the node's configured peers
     */
    public RunningNode(Node node, DataSource db, InetSocketAddress listen, List<PeerEndpoint> peers, PeerLimits limits,
                       NodeTls tls, List<Consumer<JavalinConfig>> routes) {
        requireSamePeers(node, peers);
        this.node = node;
        this.tls = tls;
        PeerLinks[] linksHolder = new PeerLinks[1];
        this.metrics = new NodeMetrics(node, () -> linksHolder[0].states());
        CheckAnswers check = new CheckAnswers(node.digests());
        this.snapshots = new SnapshotAnswers(node);
        this.receiver = new PeerReceiver(node, peers, limits, metrics,
            (asker, question) -> SnapshotAnswers.asks(question) ? snapshots.answer(asker, question) : check.answer(asker, question));
        this.transport = new HttpTransport(node, peers, limits, tls);
        this.links = new PeerLinks(node, transport, node.peers(), limits, metrics);
        linksHolder[0] = links;
        this.monitor = new Monitor(node, db, peers, links::states, receiver::lastRefusals, metrics);
        this.server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            tls.listen(config, listen);
            // bodies are compressed and signed by the peer protocol itself; Javalin must not touch their bytes
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.http.maxRequestSize = limits.maxBodyBytes();
            receiver.routes(config);
            monitor.routes(config);
            routes.forEach(r -> r.accept(config));
        });
        server.start();
        links.start();
        LOG.info("node {} listens on {}:{} ({}) with {} peer(s)", node.id(), listen.getHostString(), server.port(), tls, peers.size());
    }

    private static void requireSamePeers(Node node, List<PeerEndpoint> peers) {
        Set<NodeId> configured = new HashSet<>(node.peers());
        Set<NodeId> given = new HashSet<>();
        peers.forEach(p -> given.add(p.id()));
        if (!configured.equals(given) || given.size() != peers.size()) {
            throw new IllegalArgumentException("node " + node.id() + " has peers " + node.peers() + " but endpoints were given for "
                + peers.stream().map(PeerEndpoint::id).toList());
        }
    }

    /**
     * Loads {@code source}'s snapshot into this running node ({@code converge resync --from} asked it; see
     * {@link SnapshotLoad}): deliveries are refused while it loads, the application's writes go on. Every line,
     * progress lines every 5 s included (if {@code progress}), goes to {@code out}; once {@code out} fails (the command that asked went away,
     * Ctrl-C), the load stops at its next page, as a load cut short does (run it again). One load at a time: a second
     * is refused (said on {@code out}). Blocking; thread-safe.
     *
     * @return what the load did; empty if it could not (said on {@code out})
     */
    public java.util.Optional<dev.converge.resync.ResyncReport> loadSnapshot(NodeId source, boolean progress, java.io.PrintStream out)
        throws InterruptedException {
        if (!loading.compareAndSet(false, true)) {
            out.println("node " + node.id() + " is loading a snapshot already: run resync again when that load has ended");
            return java.util.Optional.empty();
        }
        try {
            return new SnapshotLoad(node, transport, out).from(source, false, progress, out::checkError);
        } finally {
            loading.set(false);
        }
    }

    public Node node() {
        return node;
    }

    /** The port the server listens on (the one picked, if 0 was asked for). */
    public int port() {
        return server.port();
    }

    /** {@code https} if the server speaks HTTPS, else {@code http}. */
    public String scheme() {
        return tls.scheme();
    }

    /** What {@code GET /status} answers. */
    public NodeStatus status() {
        return monitor.status();
    }

    /** The node's metrics (for more meters, or a scrape without HTTP). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /**
     * Marks for resync, from now on, a peer whose backlog passes {@code limit} (the configuration's
     * {@code limits.max_backlog_rows} / {@code max_backlog_age}); without this call no peer is marked.
     */
    public void limitBacklog(dev.converge.backlog.BacklogLimit limit) {
        links.limitBacklog(limit);
    }

    /**
     * Changes the peers while the node runs (its configuration file was reloaded): the node knows {@code known} from
     * now on ({@link Node#replacePeers}: ids and priorities), and links with, takes requests from and reports on
     * {@code linked}. A peer in {@code known} but not in {@code linked} is kept without a link: what it has not
     * acknowledged is held for it, but nothing is sent to it and its requests are refused ({@code unknown-sender}).
     * A peer in {@code rebuild} gets a fresh link and must say hello again (its URL, secret or priority changed).
     * Queues are not touched: a delivery in progress finishes, or is sent again.
     *
     * @param linked the peers to link with, as the file now lists them
     * @param known every peer the node keeps: {@code linked}'s with their priorities, and those kept without a link
     * @param rebuild peers of {@code linked} whose link starts afresh
     * @throws IllegalArgumentException if a linked peer is not known, or a peer is this node or listed twice
     */
    public synchronized void reconfigure(List<PeerEndpoint> linked, List<dev.converge.config.PeerConfig> known, Set<NodeId> rebuild) {
        Set<NodeId> knownIds = new HashSet<>();
        known.forEach(p -> knownIds.add(p.id()));
        for (PeerEndpoint p : linked) {
            if (!knownIds.contains(p.id())) {
                throw new IllegalArgumentException("peer " + p.id() + " is linked but not known to node " + node.id());
            }
        }
        node.replacePeers(known); // first: the links and the receiver below ask the node about their peers
        linked.forEach(p -> metrics.addPeer(p.id()));
        transport.reconfigure(linked);
        receiver.reconfigure(linked);
        monitor.reconfigure(linked);
        links.reconfigure(linked.stream().map(PeerEndpoint::id).toList(), rebuild);
    }

    /**
     * Stops the links (waits for their threads), then the server. Idempotent. The node stays open: its owner closes it
     * ({@link Node#close} stops its trimming). Closing it here made {@code PeerRelayTest}'s survivor stop relaying to a
     * peer restarted on the same database in 2 of 6 runs; not understood yet, so not done.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        links.close();
        server.stop();
        snapshots.close();
        LOG.info("node {} stopped", node.id());
    }
}
