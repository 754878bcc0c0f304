package dev.converge.node.peer;

import dev.converge.Node;
import dev.converge.backlog.BacklogLimit;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.transport.Receipt;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.transport.Transport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every peer supplied: one sender thread per peer calls {@link Node#deliverTo} in a loop, and one apply thread
 * applies stored ChangeSets whose turn has come ({@link Node#applyPending}; receiving applies what it can at once, so
 * this is the safety net for ChangeSets that waited on another origin).
 *
 * <p>A sender that sent something loops at once. An idle one looks every {@value #POLL_MILLIS} ms at
 * {@link Node#captureMark()} (one indexed read) and delivers as soon as it moved, or when it did not move but a
 * committed transaction waits to be sequenced ({@link Node#localCommitsWaiting()}: two transactions committing in the
 * other order than they wrote leave the mark where the first commit put it), so a local commit leaves within tens of
 * milliseconds; it also delivers every {@value #IDLE_DELIVERY_MILLIS} ms regardless. (A wake-up signal from capture would save the
 * polling; capture happens in database triggers, which cannot signal this JVM cheaply on both dialects.) A peer that
 * cannot be reached or refuses is tried again after an exponential backoff with jitter, capped at
 * {@link PeerLimits#maxBackoff()}; it costs its own thread's waiting and queue space, nothing else. A change of
 * reachability is logged once, not every retry. Reachability is learnt from sending: an idle link sends a heartbeat every
 * {@value #HEARTBEAT_MILLIS} ms ({@link Node#heartbeat}: what this node has applied, so that the peer may let go of
 * tombstones even if this node never writes), and learns from it too.
 *
 * <p>The apply thread also checks the backlog limit every {@value #BACKLOG_CHECK_MILLIS} ms ({@link #limitBacklog},
 * {@link Node#checkBacklog}): a peer away past it is marked for resync and sent nothing more (its sender finds nothing
 * to send); the peer learns of the mark from this node's answers to its hello and heartbeats. A peer removed from the mesh while still configured gets an
 * idle link, and a warning that says to remove it from the configuration. Every {@value #RELAY_MILLIS} ms each link also
 * relays to its peer the ChangeSets of removed origins that this node keeps and the peer is not known to have
 * ({@link Node#relayTo}), so what a departed peer sent to some survivors reaches the others.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once (interrupts the threads and waits for them). In between,
 * {@link #reconfigure} starts links to new peers and stops or rebuilds others (a running node reloaded its
 * configuration). Threads are daemons named {@code converge-send-PEER} and {@code converge-apply}. {@link #states} may
 * be called from any thread.
 */
public final class PeerLinks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    static final long POLL_MILLIS = 25;
    static final long IDLE_DELIVERY_MILLIS = 1000;
    /** How often an idle link tells its peer what this node has applied ({@link Node#heartbeat}). */
    static final long HEARTBEAT_MILLIS = 5000;
    /**
     * How often a link relays to its peer what departed origins' ChangeSets this node keeps and the peer lacks
     * ({@link Node#relayTo}).
     */
    static final long RELAY_MILLIS = 1000;
    private static final long APPLY_MILLIS = 1000;
    /** How often the apply thread checks the backlog limit and re-reads the peers' standing ({@link Node#checkBacklog}). */
    static final long BACKLOG_CHECK_MILLIS = 5000;
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final Node node;
    private final Transport transport;
    private final PeerLimits limits;
    private final PeerEvents events;
    /** Guarded by {@code this}: the running links in the order of the peers, and every thread started. */
    private final java.util.Map<NodeId, Link> links = new java.util.LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean started;
    private volatile boolean stopping;
    private volatile BacklogLimit backlogLimit = BacklogLimit.NONE;
    /** Peers removed from the mesh ({@code converge peer remove}) while still configured: their links stay idle. */
    private volatile Set<NodeId> removed = Set.of();
    private long lastBacklogCheck = System.nanoTime() - BACKLOG_CHECK_MILLIS * 1_000_000; // the apply thread's

    public PeerLinks(Node node, Transport transport, List<NodeId> peers, PeerLimits limits, PeerEvents events) {
        this.node = node;
        this.transport = transport;
        this.limits = limits;
        this.events = events;
        peers.forEach(p -> links.put(p, new Link(p)));
    }

    /** Starts the sender threads and the apply thread. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("links of " + node.id() + " were already started");
        }
        started = true;
        links.values().forEach(this::startLink);
        Thread apply = daemon("converge-apply", this::applyLoop);
        threads.add(apply);
        apply.start();
    }

    private void startLink(Link link) {
        Thread t = daemon("converge-send-" + link.peer, link::run);
        threads.add(t);
        t.start();
    }

    /**
     * Links to {@code peers} from now on, in this order: a new peer gets a link (started at once if the links run); a
     * peer no longer listed has its link stopped; a peer in {@code rebuild} (its URL, secret or priority changed) gets a
     * new link, so its next exchange starts afresh (a new hello, no backoff left over). A stopped link's thread is not
     * interrupted: a delivery it is making finishes (or fails and is sent again by the new link), since only
     * acknowledged ChangeSets are ever forgotten; it then ends. Returns at once.
     */
    public synchronized void reconfigure(List<NodeId> peers, Set<NodeId> rebuild) {
        java.util.Map<NodeId, Link> before = new java.util.LinkedHashMap<>(links);
        links.clear();
        for (NodeId peer : peers) {
            Link kept = before.remove(peer);
            if (kept != null && rebuild.contains(peer)) {
                kept.stop();
                kept = null;
            }
            Link link = kept != null ? kept : new Link(peer);
            links.put(peer, link);
            if (kept == null && started && !stopping) {
                startLink(link);
            }
        }
        before.values().forEach(Link::stop);
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    }

    /**
     * From now on, marks for resync a peer whose backlog passes {@code limit} ({@link BacklogLimit#NONE}: never, the
     * default). Checked every {@value #BACKLOG_CHECK_MILLIS} ms on the apply thread. May be called from any thread.
     */
    public void limitBacklog(BacklogLimit limit) {
        this.backlogLimit = java.util.Objects.requireNonNull(limit);
    }

    /** How each link stands, in the order of the peers. */
    public synchronized List<LinkState> states() {
        return links.values().stream().map(Link::state).toList();
    }

    @Override
    public void close() {
        List<Thread> all;
        synchronized (this) {
            stopping = true;
            all = List.copyOf(threads);
        }
        all.forEach(Thread::interrupt);
        for (Thread t : all) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private void applyLoop() {
        while (!stopping) {
            checkBacklog();
            try {
                if (node.loadingSnapshot()) {
                    // refused until the load ends, which applies what it made ready itself: nothing to try or log
                    if (!pause(APPLY_MILLIS)) {
                        return;
                    }
                    continue;
                }
                int applied = node.applyPending();
                if (applied > 0) {
                    events.appliedPending(applied);
                    continue;
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("{} cannot apply stored ChangeSets now: {}", node.id(), e.getMessage());
            }
            if (!pause(APPLY_MILLIS)) {
                return;
            }
        }
    }

    /**
     * Every {@value #BACKLOG_CHECK_MILLIS} ms: marks the peers past the backlog limit (a few look-ups by key per peer)
     * and re-reads which peers were removed, so that {@code converge peer remove} takes effect on a running node. Only on
     * the apply thread.
     */
    private void checkBacklog() {
        long now = System.nanoTime();
        if (now - lastBacklogCheck < BACKLOG_CHECK_MILLIS * 1_000_000) {
            return;
        }
        lastBacklogCheck = now;
        try {
            node.checkBacklog(backlogLimit); // logs each mark it makes
            Set<NodeId> gone = new java.util.HashSet<>();
            node.standings().forEach((peer, standing) -> standing.departed().ifPresent(since -> gone.add(peer)));
            boolean newlyRemoved = false;
            for (NodeId peer : gone) {
                if (!removed.contains(peer)) {
                    newlyRemoved = true;
                    LOG.warn("{}", dev.converge.backlog.PeerStanding.departedAdvice(node.id(), peer,
                        node.standings().get(peer).departed().orElseThrow()));
                }
            }
            removed = Set.copyOf(gone);
            if (newlyRemoved) {
                node.purge(); // what only the removed peer held back goes now, not at the next acknowledgement
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.warn("{} cannot check the peers' backlog now: {}", node.id(), e.getMessage());
            }
        }
    }

    /** Sleeps; false if interrupted (the links are stopping). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The sending loop of one peer. Its fields are written by its thread only and read by {@link #state}. */
    private final class Link {
        final NodeId peer;
        volatile Optional<Boolean> reachable = Optional.empty();
        volatile Instant lastSuccess;
        volatile String lastError;
        volatile int failures;
        volatile long delivered;
        /** Set once by {@link #stop}: this link's thread ends after its current step. */
        private volatile boolean stopped;

        Link(NodeId peer) {
            this.peer = peer;
        }

        /** Ends this link (its peer left the configuration, or its link is rebuilt) and wakes it if it waits. */
        synchronized void stop() {
            stopped = true;
            notifyAll();
        }

        /** Waits, woken early by {@link #stop}; false if the link or all links are stopping. */
        private boolean rest(long millis) {
            synchronized (this) {
                if (!stopped && millis > 0) {
                    try {
                        wait(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return !stopped && !stopping;
        }

        /** The last relay failure logged, so that one that repeats every second is logged once. */
        private String relayFailure;

        /**
         * Relays departed origins' ChangeSets to the peer ({@link Node#relayTo}). Its failure is not the link's: the
         * peer took this node's own ChangeSets a moment ago, so a refusal here (the peer no longer knows the departed
         * node, or is busy with another survivor's relay) neither marks the peer unreachable nor slows delivery; it is
         * logged once and tried again at the next relay interval.
         */
        private int relay() {
            try {
                int sent = node.relayTo(peer, this::send);
                relayFailure = null;
                return sent;
            } catch (RuntimeException e) {
                String why = String.valueOf(e.getMessage());
                if (!why.equals(relayFailure)) {
                    relayFailure = why;
                    LOG.warn("node {}: relaying a departed node's ChangeSets to {} failed, tried again in {} s: {}", node.id(), peer,
                        RELAY_MILLIS / 1000, why);
                }
                return 0;
            }
        }

        LinkState state() {
            return new LinkState(peer, reachable, Optional.ofNullable(lastSuccess), Optional.ofNullable(lastError), failures, delivered);
        }

        void run() {
            long mark = Long.MIN_VALUE;
            long lastAttempt = 0;
            long lastHeartbeat = System.nanoTime() - HEARTBEAT_MILLIS * 1_000_000;
            long lastRelay = System.nanoTime() - RELAY_MILLIS * 1_000_000;
            while (!stopping && !stopped) {
                long wait = POLL_MILLIS;
                if (removed.contains(peer)) {
                    // removed from the mesh: nothing to send it, and a heartbeat would only be refused
                    if (!rest(BACKLOG_CHECK_MILLIS)) {
                        return;
                    }
                    continue;
                }
                try {
                    long now = System.nanoTime();
                    long seen = node.captureMark();
                    // a commit that leaves the mark where it was (it wrote before another that committed first) is
                    // still waiting to be sequenced: without the second look it left only with the idle delivery
                    if (seen != mark || now - lastAttempt >= IDLE_DELIVERY_MILLIS * 1_000_000 || node.localCommitsWaiting()) {
                        lastAttempt = now;
                        int sent = node.deliverTo(peer, this::send);
                        mark = seen; // read before the delivery: a commit during it moves the mark again
                        if (now - lastRelay >= RELAY_MILLIS * 1_000_000) {
                            lastRelay = now;
                            sent += relay(); // one read while no peer was removed
                        }
                        if (sent > 0) {
                            lastHeartbeat = now; // a ChangeSet carries what a heartbeat says
                            continue;
                        }
                        if (now - lastHeartbeat >= HEARTBEAT_MILLIS * 1_000_000) {
                            transport.heartbeat(node.id(), peer, node.heartbeat());
                            lastHeartbeat = now;
                            succeeded();
                        }
                    }
                } catch (PeerUnavailableException e) {
                    wait = failed(e.getMessage());
                    events.retrying(peer);
                } catch (RuntimeException e) {
                    wait = failed("delivery to " + peer + " failed: " + e.getMessage());
                }
                if (!rest(wait)) {
                    return;
                }
            }
        }

        /** Sends one batch; counted as it is acknowledged, so a long catch-up shows progress while it runs. */
        private Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
            Receipt receipt = transport.send(from, to, batch);
            succeeded();
            delivered += batch.size();
            events.delivered(peer, batch.size());
            return receipt;
        }

        private void succeeded() {
            if (!reachable.orElse(false)) {
                LOG.info("{} reaches {}{}", node.id(), peer, failures > 0 ? " again after " + failures + " failed attempts" : "");
            }
            reachable = Optional.of(true);
            lastSuccess = Instant.now();
            lastError = null;
            failures = 0;
        }

        /** Records a failure; returns how long to wait before the next attempt. */
        private long failed(String message) {
            if (stopping || stopped) {
                return 0;
            }
            if (reachable.orElse(true) || !message.equals(lastError)) {
                LOG.warn("{} cannot deliver to {}: {} (retrying with backoff; logged again when this changes)", node.id(), peer, message);
            }
            reachable = Optional.of(false);
            lastError = message;
            failures++;
            long cap = Math.max(FIRST_BACKOFF_MILLIS, limits.maxBackoff().toMillis());
            long ceiling = Math.min(cap, FIRST_BACKOFF_MILLIS << Math.min(20, failures - 1));
            // "equal jitter": at least half the step, so a retry storm spreads out but never collapses to zero
            return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        }
    }

}
