package dev.converge;

import dev.converge.config.ConflictScope;
import dev.converge.apply.ApplyEngine;
import dev.converge.config.NodeConfig;
import dev.converge.model.ChangeSet;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.queue.InboundQueue;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.transport.Receipt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of a node: checks what a peer sends, applies each origin's ChangeSets in sequence order once
 * their causal dependencies are applied, keeps the rest durably in the inbox, and contains failures.
 *
 * <p><b>Failures.</b> A transient database failure (see {@link Transactions}) is retried with backoff; if it persists
 * the ChangeSet stays where it is (in the inbox, or with its sender) and is tried again on the next delivery. Anything
 * else thrown while applying a ChangeSet — an unexpected SQL error, a deferred constraint failing at commit, a bug — is
 * contained: at row scope the ChangeSet is applied again one row at a time, and only the rows that fail are left out,
 * each recorded as a parked {@code error} conflict carrying the error; at transaction scope (or if that fails too) the
 * whole ChangeSet is recorded as one parked {@code error} conflict and nothing of it is written. Either way its
 * watermark advances in the same transaction, so the origin's later ChangeSets go on: never an endless retry, never a
 * silent drop.
 *
 * <p><b>Threading.</b> Thread-safe. Applying is serialised per node by one lock, taken with a bounded wait
 * ({@link #LOCK_WAIT}; a sender that meets a busy node gets a retriable {@link PeerUnavailableException}): the apply
 * engine reads and advances the node's clock row and watermarks, which the database would serialise anyway. The lock
 * is held only around this node's own database work, never while calling a peer, so two nodes delivering to each other
 * at once cannot deadlock. Local writes, sequencing and sending do not take it.
 */
final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    /** How long a delivery waits for another delivery's apply on this node before it is told to come back. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private final NodeConfig config;
    private final PeerLedger peers;
    private final Transactions tx;
    private final Binding binding;
    private final InboundQueue inbox = new InboundQueue();
    private final dev.converge.relay.RelayStore relay = new dev.converge.relay.RelayStore();
    private final ReentrantLock applying = new ReentrantLock(true);
    /** Why deliveries are refused at once, while a snapshot loads ({@link #paused}); null when they are taken. */
    private volatile String pausedFor;
    /** ChangeSets applied as part of a set-based run, since the node opened (for tests of this package). */
    private final java.util.concurrent.atomic.AtomicLong appliedInRuns = new java.util.concurrent.atomic.AtomicLong();
    /** Nodes found removed from the mesh (see {@link #known}); thread-safe. */
    private final java.util.Set<NodeId> departed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** ChangeSets applied ahead of the run before them ({@link #startAhead}), since the node opened (for tests). */
    private final java.util.concurrent.atomic.AtomicLong appliedAhead = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Whether a delivery's next run may be applied ahead ({@link #startAhead}): on PostgreSQL, where the run ahead can
     * ask the server whether anyone waits for its rows and whether its tables have triggers (on H2 it could not).
     */
    private final boolean applyAhead;
    /** The one thread that applies ahead: started when needed, gone after a few idle seconds, so nothing to close. */
    private final java.util.concurrent.ThreadPoolExecutor aheadWorker;

    Inbound(NodeConfig config, PeerLedger peers, Transactions tx, Binding binding, boolean applyAhead) {
        this.config = config;
        this.peers = peers;
        this.tx = tx;
        this.binding = binding;
        this.applyAhead = applyAhead;
        this.aheadWorker = new java.util.concurrent.ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "converge-apply-ahead-" + config.id());
            t.setDaemon(true);
            return t;
        });
    }

    /** What became of an arriving ChangeSet. */
    private enum Arrival { APPLIED, ALREADY_APPLIED, WAITS }

    /**
     * A ChangeSet ready to be judged: whole ({@code count} 1), or every part of one that travelled in parts, of which
     * only the first is held in memory; the others are read from the inbox one at a time.
     */
    private record Incoming(ChangeSet first, int count) {
        static Incoming whole(ChangeSet cs) {
            return new Incoming(cs, 1);
        }
    }

    private ChangeSet part(DSLContext ctx, Incoming in, int index) {
        return index == 1 ? in.first() : inbox.part(ctx, in.first().origin(), in.first().sequence(), index);
    }

    /**
     * Takes a batch from {@code sender}: ChangeSets of one origin (the sender's own, or another node's it relays), in
     * ascending sequence. Each that is its origin's next and whose dependencies are met is applied at once; from the
     * first one that must wait, the rest are stored in the inbox. Parts of a ChangeSet too large for one piece are
     * stored, and applied together once the last is here. Then every stored ChangeSet whose turn has come is applied.
     *
     * @throws MalformedChangeSetException if the batch is inconsistent or not for this node; nothing of it is stored
     * @throws PeerUnavailableException if this node stayed busy applying for longer than {@link #LOCK_WAIT}
     */
    Receipt receive(NodeId sender, List<ChangeSet> batch) {
        NodeId origin = validate(sender, batch, binding.current());
        return exclusively(() -> {
            Binding.Bound bound = binding.follow();
            int applied = 0;
            int next = 0;
            while (next < batch.size() && batch.get(next).part().isEmpty()) {
                List<ChangeSet> group = group(batch, next);
                Ahead ahead = startAhead(group, batch, next + group.size(), bound);
                Group done;
                int appliedAhead;
                try {
                    done = applyRun(group, bound);
                } finally {
                    appliedAhead = ahead.join(); // ended either way before anything else is applied
                }
                applied += appliedAhead;
                if (done == Group.FAILED && group.size() > 1) {
                    done = applyGroup(group, bound); // one by one in one transaction, each with its own statements
                }
                if (done == Group.FAILED || done == Group.ALONE) {
                    // alone, with its failure contained (or the group failed: its first goes alone, the rest group again)
                    Arrival a = applyIfReady(Incoming.whole(batch.get(next)), bound);
                    if (a == Arrival.WAITS) {
                        break;
                    }
                    applied += a == Arrival.APPLIED ? 1 : 0;
                    next++;
                    continue;
                }
                applied += done.applied();
                next += done.consumed();
                if (done.waits()) {
                    break; // the next one waits
                }
                // (should the run before have stopped short, the next group would find these applied and skip them)
                next += done.consumed() == group.size() ? appliedAhead : 0;
            }
            List<ChangeSet> waiting = batch.subList(next, batch.size());
            if (!waiting.isEmpty()) {
                tx.local(ctx -> {
                    long watermark = PeerLedger.watermark(ctx, origin);
                    waiting.forEach(cs -> {
                        if (cs.part().isPresent()) {
                            inbox.storePart(ctx, cs, watermark);
                        } else {
                            inbox.store(ctx, cs, watermark);
                        }
                    });
                    return null;
                });
            }
            applied += applyPendingHoldingLock(bound);
            int appliedNow = applied;
            return tx.local(ctx -> {
                long through = inbox.storedThrough(ctx, origin, PeerLedger.watermark(ctx, origin));
                return new Receipt(config.id(), origin, through, appliedNow, inbox.waiting(ctx), inbox.partsStored(ctx, origin, through + 1));
            });
        });
    }

    /** At most this many whole ChangeSets, and about this many changes, are applied in one database transaction. */
    static final int GROUP = 100;
    static final int GROUP_CHANGES = 5_000;
    /**
     * A group takes no further ChangeSet once it has worked this long: its row locks are held until it commits, and an
     * application's statement that waits for one of them must not wait past its lock timeout (H2's default is a second).
     */
    static final long GROUP_NANOS = 200_000_000L;

    /**
     * What applying a group did: how many of its first ChangeSets it consumed (applied or found applied), how many it
     * applied, and whether it stopped because the next one must wait (rather than for time).
     */
    private record Group(int consumed, int applied, boolean waits) {
        static final Group FAILED = new Group(-1, 0, false);
        /** The first ChangeSet is ready but cannot go in a run ({@link ApplyEngine#applyRun}): it is applied alone. */
        static final Group ALONE = new Group(-2, 0, false);
    }

    /**
     * Applies the ready ChangeSets at the head of {@code group} (one origin's, in sequence order) as one set-based run
     * in one database transaction ({@link ApplyEngine#applyRun}): their rows loaded once, written once per table and
     * kind, with one round of bookkeeping — the statements per ChangeSet that made small transactions slow are paid per
     * run. Those already applied are skipped. Returns {@link Group#ALONE} when the first ready one cannot go in a run,
     * and {@link Group#FAILED} (nothing of the run stays) when the run failed as a whole: the caller then applies the
     * group one by one, where a failure is contained to its ChangeSet.
     */
    private Group applyRun(List<ChangeSet> group, Binding.Bound bound) {
        try {
            Group done = tx.applying((connection, ctx) -> {
                Ready ready = ready(ctx, group, bound);
                if (ready.run().isEmpty()) {
                    return ready.skipped() == 0 && !ready.waits() ? Group.ALONE : new Group(ready.skipped(), 0, ready.waits());
                }
                int applied = bound.engine().applyRun(connection, ctx, ready.run());
                if (applied == 0) {
                    return ready.skipped() == 0 ? Group.ALONE : new Group(ready.skipped(), 0, false);
                }
                ChangeSet first = ready.run().get(0);
                inbox.removeRun(ctx, first.origin(), first.sequence(), ready.run().get(applied - 1).sequence());
                if (retains(first.origin())) {
                    relay.retain(ctx, ready.run().subList(0, applied));
                }
                return new Group(ready.skipped() + applied, applied, applied == ready.run().size() && ready.waits());
            });
            if (done.applied() > 0) {
                appliedInRuns.addAndGet(done.applied()); // committed: tx.applying returned
            }
            return done;
        } catch (RuntimeException e) {
            if (Transactions.isTransient(e) || e instanceof PeerUnavailableException) {
                throw e;
            }
            LOG.debug("{}: a run of {} ChangeSets from {} could not be applied as one ({}); applying them one by one", config.id(),
                group.size(), group.get(0).id(), e.toString());
            return Group.FAILED;
        }
    }

    /** How many ChangeSets were applied as part of a set-based run since the node opened. */
    long appliedInRuns() {
        return appliedInRuns.get();
    }

    /** How many of those were applied ahead of the run before them ({@link #startAhead}). */
    long appliedAhead() {
        return appliedAhead.get();
    }

    /**
     * An apply ahead that may be running: {@link #join}, called once the run before it has ended (committed or not),
     * tells it so, waits for it to end and says how many ChangeSets it applied.
     */
    @FunctionalInterface
    private interface Ahead {
        Ahead NONE = () -> 0;

        int join();
    }

    /**
     * Starts applying the group of {@code batch} that begins at {@code from} ahead of {@code before}, which the caller
     * applies meanwhile, on another connection ({@link ApplyEngine#applyRunAhead}), when that can only give the result
     * of applying the two in turn: both of one origin, on PostgreSQL, every ChangeSet of both touching only tables apart
     * from other rows ({@link ApplyEngine#canApplyAhead}), no key in both. The two then overlap: one is planned in this
     * JVM while the database writes the other, on two cores instead of one. It commits after the one before, and only
     * if that one applied all of {@code before}; else it rolls back and the caller applies it in turn.
     */
    private Ahead startAhead(List<ChangeSet> before, List<ChangeSet> batch, int from, Binding.Bound bound) {
        if (!applyAhead || from >= batch.size() || batch.get(from).part().isPresent()) {
            return Ahead.NONE;
        }
        List<ChangeSet> group = group(batch, from);
        java.util.Set<LocalKey> keys = new java.util.HashSet<>();
        for (ChangeSet cs : before) {
            if (!bound.engine().canApplyAhead(cs)) {
                return Ahead.NONE;
            }
            cs.changes().forEach(c -> keys.add(LocalKey.of(c)));
        }
        for (ChangeSet cs : group) {
            if (!bound.engine().canApplyAhead(cs) || cs.changes().stream().anyMatch(c -> keys.contains(LocalKey.of(c)))) {
                return Ahead.NONE;
            }
        }
        long expected = before.get(before.size() - 1).sequence();
        java.util.concurrent.CountDownLatch beforeEnded = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.Future<Integer> running;
        try {
            running = aheadWorker.submit(() -> applyAhead(group, expected, bound,
                millis -> beforeEnded.await(millis, TimeUnit.MILLISECONDS)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return Ahead.NONE;
        }
        return () -> {
            beforeEnded.countDown();
            try {
                return running.get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.debug("{}: {} ChangeSets from {} not applied ahead ({}); applying them in turn", config.id(), group.size(),
                    group.get(0).id(), e.getCause().getMessage());
                return 0;
            } catch (InterruptedException e) {
                running.cancel(true);
                Thread.currentThread().interrupt();
                throw new PeerUnavailableException(config.id(), "interrupted while applying", e);
            }
        };
    }

    /** A change's table (lower case) and key: two groups that share none can be applied at once. */
    private record LocalKey(String table, dev.converge.model.RowKey key) {
        static LocalKey of(dev.converge.model.Change c) {
            return new LocalKey(c.table().toLowerCase(java.util.Locale.ROOT), c.key());
        }
    }

    /** The work of {@link #startAhead}'s thread: {@code group} applied after its origin's {@code expected}-th, or nothing. */
    private int applyAhead(List<ChangeSet> group, long expected, Binding.Bound bound, ApplyEngine.RunBefore before) {
        int applied = tx.applyingOnce((connection, ctx) -> {
            Ready ready = ready(ctx, group, bound, expected);
            if (ready.skipped() > 0 || ready.run().size() < group.size()) {
                return 0;
            }
            int n = bound.engine().applyRunAhead(connection, ctx, group, before);
            ChangeSet first = group.get(0);
            inbox.removeRun(ctx, first.origin(), first.sequence(), group.get(n - 1).sequence());
            if (retains(first.origin())) {
                relay.retain(ctx, group);
            }
            return n;
        });
        appliedInRuns.addAndGet(applied); // committed
        appliedAhead.addAndGet(applied);
        return applied;
    }

    /** The ChangeSets of a group already applied here (at its head), and those after them that are ready now. */
    private record Ready(int skipped, List<ChangeSet> run, boolean waits) {
    }

    /**
     * Which ChangeSets at the head of {@code group} are already applied, and which follow them ready to apply (each its
     * origin's next once those before it are applied, dependencies met, every column known here); {@code waits} if
     * one after them must wait. Reads each watermark once.
     */
    private Ready ready(DSLContext ctx, List<ChangeSet> group, Binding.Bound bound) {
        return ready(ctx, group, bound, PeerLedger.watermark(ctx, group.get(0).origin()));
    }

    /** {@link #ready(DSLContext, List, Binding.Bound)} as if the origin's watermark were {@code watermark}. */
    private Ready ready(DSLContext ctx, List<ChangeSet> group, Binding.Bound bound, long watermark) {
        NodeId origin = group.get(0).origin();
        int skipped = 0;
        while (skipped < group.size() && group.get(skipped).sequence() <= watermark) {
            skipped++;
        }
        Map<NodeId, Long> watermarks = new java.util.HashMap<>();
        List<ChangeSet> run = new java.util.ArrayList<>();
        for (ChangeSet cs : group.subList(skipped, group.size())) {
            long through = watermark + run.size();
            watermarks.put(origin, through);
            if (cs.part().isPresent() || cs.sequence() != through + 1 || !dependenciesMet(ctx, cs, watermarks)
                || binding.misfit(cs, bound).isPresent()) {
                return new Ready(skipped, run, true);
            }
            run.add(cs);
        }
        return new Ready(skipped, run, false);
    }

    /** The whole ChangeSets from {@code from} that go in one apply transaction. */
    private static List<ChangeSet> group(List<ChangeSet> batch, int from) {
        int end = from;
        int changes = 0;
        while (end < batch.size() && batch.get(end).part().isEmpty() && end - from < GROUP && (end == from || changes < GROUP_CHANGES)) {
            changes += batch.get(end).changes().size();
            end++;
        }
        return batch.subList(from, end);
    }

    /**
     * Applies a run of an origin's ChangeSets in one database transaction, in order, up to the first that must wait:
     * small transactions then share one commit and one round of bookkeeping instead of paying for their own. Each is
     * still judged, applied and recorded exactly as alone (its own watermark step, applied-log entry and clock floor),
     * so the result is the same as applying them one by one. Any failure that is not transient undoes the group, and
     * the caller applies its ChangeSets one at a time, where a failure is contained.
     */
    private Group applyGroup(List<ChangeSet> group, Binding.Bound bound) {
        try {
            return tx.applying((connection, ctx) -> {
                int consumed = 0;
                int applied = 0;
                long start = System.nanoTime();
                for (ChangeSet cs : group) {
                    if (consumed > 0 && System.nanoTime() - start > GROUP_NANOS) {
                        return new Group(consumed, applied, false);
                    }
                    Arrival readiness = readiness(ctx, Incoming.whole(cs), bound);
                    if (readiness == Arrival.WAITS) {
                        return new Group(consumed, applied, true);
                    }
                    if (readiness == null) {
                        bound.engine().apply(connection, ctx, cs);
                        inbox.remove(ctx, cs.origin(), cs.sequence());
                        if (retains(cs.origin())) {
                            relay.retain(ctx, List.of(cs));
                        }
                        applied++;
                    }
                    consumed++;
                }
                return new Group(consumed, applied, false);
            });
        } catch (RuntimeException e) {
            if (Transactions.isTransient(e) || e instanceof PeerUnavailableException) {
                throw e;
            }
            return Group.FAILED;
        }
    }

    /** Applies every stored ChangeSet whose turn has come and whose dependencies are met; returns how many. */
    int applyPending() {
        return exclusively(() -> applyPendingHoldingLock(binding.follow()));
    }

    private int applyPendingHoldingLock(Binding.Bound bound) {
        int applied = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (NodeId origin : tx.local(inbox::origins)) {
                for (int n; (n = applyStoredRun(origin, bound)) > 0 || applyNextStored(origin, bound); ) {
                    applied += Math.max(n, 1);
                    progress = true;
                }
            }
        }
        return applied;
    }

    /**
     * Applies the stored ChangeSets of {@code origin} from its next one on as one run ({@link #applyRun}); returns how
     * many, 0 if none could go that way (the next one is then tried alone).
     */
    private int applyStoredRun(NodeId origin, Binding.Bound bound) {
        List<ChangeSet> stored = tx.local(ctx -> inbox.run(ctx, origin, PeerLedger.watermark(ctx, origin) + 1, GROUP, GROUP_CHANGES));
        if (stored.isEmpty()) {
            return 0;
        }
        Group done = applyRun(stored, bound);
        return done == Group.FAILED || done == Group.ALONE ? 0 : done.applied();
    }

    private boolean applyNextStored(NodeId origin, Binding.Bound bound) {
        Optional<Incoming> next = tx.local(ctx -> {
            long sequence = PeerLedger.watermark(ctx, origin) + 1;
            Optional<ChangeSet> whole = inbox.get(ctx, origin, sequence);
            if (whole.isPresent()) {
                return whole.map(Incoming::whole);
            }
            return inbox.completeParts(ctx, origin, sequence).map(count -> new Incoming(inbox.part(ctx, origin, sequence, 1), count));
        });
        return next.isPresent() && applyIfReady(next.get(), bound) == Arrival.APPLIED;
    }

    /**
     * Applies {@code cs} if it is its origin's next ChangeSet and its dependencies are met, containing any failure that
     * is not transient. A copy stored by an earlier delivery leaves the inbox in the same transaction.
     */
    private Arrival applyIfReady(Incoming in, Binding.Bound bound) {
        try {
            return consume(in, bound, (connection, ctx) -> bound.engine().apply(connection, ctx, in.first(), in.count(), i -> part(ctx, in, i)));
        } catch (RuntimeException e) {
            if (Transactions.isTransient(e) || e instanceof PeerUnavailableException) {
                throw e;
            }
            return contain(in, e, bound);
        }
    }

    /**
     * One apply transaction that consumes {@code cs} if it is ready: {@code step} writes what the engine makes of it
     * (applied, applied row by row, or recorded as failed; each advances the watermark), and a stored copy leaves the
     * inbox. Returns what became of it.
     */
    private Arrival consume(Incoming in, Binding.Bound bound, Transactions.ConnectionWork<?> step) {
        ChangeSet cs = in.first();
        return tx.applying((connection, ctx) -> {
            Arrival readiness = readiness(ctx, in, bound);
            if (readiness != null) {
                return readiness;
            }
            step.run(connection, ctx);
            retain(ctx, in);
            inbox.remove(ctx, cs.origin(), cs.sequence());
            return Arrival.APPLIED;
        });
    }

    /**
     * Keeps what was just consumed (applied, or recorded as failed: either way its origin's later ChangeSets go on, so
     * a peer that lacks it needs it as much) for relaying, if another peer may need it: a ChangeSet in parts is copied
     * from the inbox before it leaves.
     */
    private void retain(DSLContext ctx, Incoming in) {
        ChangeSet cs = in.first();
        if (!retains(cs.origin())) {
            return;
        }
        if (in.count() == 1 && cs.part().isEmpty()) {
            relay.retain(ctx, List.of(cs));
        } else {
            relay.retainParts(ctx, cs.origin(), cs.sequence(), cs.timestamp().asLong());
        }
    }

    /**
     * Whether ChangeSets of {@code origin} applied here are kept for relaying: only if a peer other than their origin
     * could lack them. Between two nodes nothing is kept, so a pair pays nothing for it.
     */
    private boolean retains(NodeId origin) {
        return peers.peers().stream().anyMatch(p -> !p.equals(origin)); // the peers as now, which a reload may change
    }

    /**
     * Null if {@code cs} can be applied now; otherwise why not: already applied, or it waits — for its turn, for its
     * dependencies, or for a column it writes that the table here lacks (until the column is added, see
     * {@link dev.converge.install.SchemaWatch}).
     */
    private Arrival readiness(DSLContext ctx, Incoming in, Binding.Bound bound) {
        ChangeSet cs = in.first();
        long watermark = PeerLedger.watermark(ctx, cs.origin());
        if (cs.sequence() <= watermark) {
            return Arrival.ALREADY_APPLIED;
        }
        if (cs.sequence() != watermark + 1 || !dependenciesMet(ctx, cs)) {
            return Arrival.WAITS;
        }
        for (int i = 1; i <= in.count(); i++) {
            if (binding.misfit(part(ctx, in, i), bound).isPresent()) {
                return Arrival.WAITS;
            }
        }
        return null;
    }

    private Arrival contain(Incoming in, RuntimeException failure, Binding.Bound bound) {
        ChangeSet cs = in.first();
        boolean rowScoped = rowScoped(in, bound);
        LOG.warn("{}: applying ChangeSet {} failed ({}); {}", config.id(), cs.id(), failure.toString(),
            rowScoped ? "applying it row by row, failing rows are parked as error conflicts" : "parked whole as an error conflict");
        if (rowScoped) {
            try {
                return consume(in, bound, (connection, ctx) -> bound.engine().applyRowByRow(connection, ctx, cs, in.count(), i -> part(ctx, in, i)));
            } catch (RuntimeException again) {
                if (Transactions.isTransient(again)) {
                    throw again;
                }
                failure.addSuppressed(again);
            }
        }
        return consume(in, bound, (connection, ctx) -> bound.engine().fail(ctx, cs, failure));
    }

    /** Whether every change is of a row-scoped table; for a ChangeSet in parts, whether every table here is. */
    private boolean rowScoped(Incoming in, Binding.Bound bound) {
        return in.count() == 1 ? in.first().changes().stream().allMatch(c -> config.scopeOf(c.table()) == ConflictScope.ROW)
            : bound.tables().stream().allMatch(t -> config.scopeOf(t.name()) == ConflictScope.ROW);
    }

    private boolean dependenciesMet(DSLContext ctx, ChangeSet cs) {
        return dependenciesMet(ctx, cs, new java.util.HashMap<>());
    }

    /** As above, reading each origin's watermark once into {@code watermarks} (which may hold some already). */
    private boolean dependenciesMet(DSLContext ctx, ChangeSet cs, Map<NodeId, Long> watermarks) {
        for (Map.Entry<NodeId, Long> dep : cs.dependencies().entrySet()) {
            if (!dep.getKey().equals(config.id())
                && watermarks.computeIfAbsent(dep.getKey(), o -> PeerLedger.watermark(ctx, o)) < dep.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a batch before anything of it is stored: from a peer, of one known origin other than this node, in
     * ascending sequence, depending only on known nodes, touching only tables this node replicates. Returns the origin.
     */
    private NodeId validate(NodeId sender, List<ChangeSet> batch, Binding.Bound bound) {
        peers.requirePeer(sender);
        if (batch.isEmpty()) {
            return sender;
        }
        NodeId origin = batch.get(0).origin();
        if (origin.equals(config.id())) {
            throw new MalformedChangeSetException("node " + config.id() + " was sent its own changes by " + sender);
        }
        if (!known(origin)) {
            throw new MalformedChangeSetException(sender + " sent ChangeSet " + batch.get(0).id() + " of " + origin + ", which is not a peer of "
                + config.id());
        }
        long previous = 0;
        int previousPart = 0;
        int previousCount = 0;
        for (ChangeSet cs : batch) {
            if (!cs.origin().equals(origin)) {
                throw new MalformedChangeSetException("a batch from " + sender + " mixes origins " + origin + " and " + cs.origin()
                    + " (at " + cs.id() + ")");
            }
            int part = cs.part().map(ChangeSet.Part::index).orElse(0);
            if (cs.sequence() < previous || (cs.sequence() == previous && (part <= previousPart || previousPart == 0))) {
                throw new MalformedChangeSetException("a batch from " + sender + " is not in ascending sequence at " + cs.id()
                    + cs.part().map(p -> " part " + p).orElse(""));
            }
            int count = cs.part().map(ChangeSet.Part::count).orElse(0);
            if (cs.sequence() == previous && count != previousCount) {
                throw new MalformedChangeSetException("the parts of ChangeSet " + cs.id() + " from " + sender + " disagree on how many there are");
            }
            previous = cs.sequence();
            previousPart = part;
            previousCount = count;
            for (NodeId dep : cs.dependencies().keySet()) {
                if (!dep.equals(config.id()) && !known(dep)) {
                    throw new MalformedChangeSetException("ChangeSet " + cs.id() + " depends on unknown node " + dep);
                }
            }
            cs.changes().forEach(c -> {
                if (bound.tables().stream().noneMatch(t -> t.name().equalsIgnoreCase(c.table()))) {
                    throw new MalformedChangeSetException("ChangeSet " + cs.id() + " changes table " + c.table() + ", which "
                        + config.id() + " does not replicate");
                }
            });
        }
        return origin;
    }

    /**
     * Whether ChangeSets of {@code node}, or depending on it, may arrive: a configured peer, or one removed from the mesh
     * ({@code converge peer remove}) and then from the configuration, whose ChangeSets survivors still relay and whose
     * writes the others' ChangeSets depend on. The database is read only for a node that is not configured.
     */
    private boolean known(NodeId node) {
        if (peers.isPeer(node) || departed.contains(node)) {
            return true;
        }
        // after a removal every ChangeSet depends on the departed node: read the database once for it, not per ChangeSet
        // (a removal is for good, so a yes stays true; a no is not kept, it only ever precedes a refusal)
        boolean gone = tx.local(ctx -> PeerLedger.departed(ctx, node));
        if (gone) {
            departed.add(node);
        }
        return gone;
    }

    /**
     * Runs {@code work} with deliveries refused: each is told at once to come back ({@link PeerUnavailableException}
     * naming {@code why}) and nothing of it is stored, and stored ChangeSets wait. Waits first for an apply in progress
     * to end. While a snapshot loads, the node then changes only by the load and by its own application's writes —
     * what the load was designed for, whether the node runs or not. Not reentrant; one caller at a time.
     *
     * @throws PeerUnavailableException if an apply in progress does not end within {@link #LOCK_WAIT}
     */
    <T> T paused(String why, java.util.function.Supplier<T> work) {
        exclusively(() -> {
            pausedFor = why; // under the lock: an apply in progress has ended, and every later one sees it
            return null;
        });
        try {
            return work.get();
        } finally {
            pausedFor = null;
        }
    }

    /** Whether deliveries are refused now because a snapshot loads ({@link #paused}). */
    boolean isPaused() {
        return pausedFor != null;
    }

    private <T> T exclusively(java.util.function.Supplier<T> work) {
        boolean locked;
        try {
            locked = applying.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnavailableException(config.id(), "interrupted while waiting to apply", e);
        }
        if (!locked) {
            throw new PeerUnavailableException(config.id(), "busy applying for more than " + LOCK_WAIT.toSeconds() + " s", null);
        }
        try {
            String paused = pausedFor;
            if (paused != null) {
                throw new PeerUnavailableException(config.id(), paused + "; deliveries are taken again when it ends", null);
            }
            return work.get();
        } finally {
            applying.unlock();
        }
    }
}
