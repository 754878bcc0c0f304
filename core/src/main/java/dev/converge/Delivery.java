package dev.converge;

import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.catalog.BoundTable;
import dev.converge.queue.OutboundQueue;
import dev.converge.queue.SequenceCatchUp;
import dev.converge.transport.Heartbeat;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sending side of a node: sequences committed local transactions, hands each peer what it has not acknowledged,
 * and records acknowledgements. Only acknowledged ChangeSets are ever forgotten.
 *
 * <p><b>Threading.</b> Thread-safe and lock-free: no lock is held while a transport sends, so deliveries to several
 * peers, and two nodes delivering to each other, proceed at once. Sequencing is serialised by the database (the
 * sequencer locks the node's clock row), not here. One delivery runs per link at a time: a call made while another
 * thread is already delivering to the same peer returns at once (0), since that delivery ships what is queued. While
 * a batch is in flight, a thread of its own sequences what committed meanwhile ({@link #deliverTo}); {@link #close}
 * ends those threads.
 */
final class Delivery implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Delivery.class);

    private final NodeId self;
    private final PeerLedger peers;
    private final Transactions tx;
    private final Binding binding;
    private final Map<NodeId, AtomicBoolean> inFlight = new ConcurrentHashMap<>();
    /**
     * Runs {@link #sequenceWhileSending}: one thread at a time (see {@link #stepping}), ending after a minute idle; a
     * daemon thread, so a node left open does not keep its JVM alive.
     */
    private final java.util.concurrent.ExecutorService ahead;
    /** Transport calls in flight from this node: while there are any, {@link #sequenceWhileSending} goes on. */
    private final java.util.concurrent.atomic.AtomicInteger sending = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether a thread is sequencing step by step ({@link #sequenceWhileSending}). */
    private final AtomicBoolean stepping = new AtomicBoolean();
    /** Sequencing steps that sequenced something, so far: a delivery reads before it sequences when this moved. */
    private final java.util.concurrent.atomic.AtomicLong stepsTaken = new java.util.concurrent.atomic.AtomicLong();
    /** How many ChangeSets go to a peer in one transport call ({@code limits.batch_size}). */
    private final int batchLimit;

    Delivery(NodeId self, PeerLedger peers, Transactions tx, Binding binding, int batchLimit) {
        this.self = self;
        this.batchLimit = batchLimit;
        this.peers = peers;
        this.tx = tx;
        this.binding = binding;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.ahead = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "converge-sequence-" + self + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Gives sequence numbers to the local transactions that committed since the last call. */
    void sequence() {
        sequence(binding.follow());
    }

    private void sequence(Binding.Bound bound) {
        // a pass another thread runs does as well, if it began after this call (see SharedRun)
        bound.sequencing().await(() -> tx.local(bound.outbound()::sequence));
    }

    /**
     * This node's heartbeat. What it applied is read first, then every transaction committed by then is sequenced, so
     * the last sequence covers every local transaction that committed before those applies (one that wrote a row a
     * delete then removed committed before the delete could be applied).
     */
    Heartbeat heartbeat() {
        Map<NodeId, Long> applied = tx.local(PeerLedger::applied);
        applied.remove(self);
        Binding.Bound bound = binding.follow();
        sequence(bound);
        long last = tx.local(ctx -> bound.outbound().lastSequence(ctx));
        return new Heartbeat(last, applied);
    }

    /** Every ChangeSet this node originated that {@code peer} has not acknowledged, in sequence order, at most {@code limit}. */
    List<ChangeSet> pendingFor(NodeId peer, int limit) {
        return pendingFor(peer, limit, 1);
    }

    /**
     * As {@link #pendingFor(NodeId, int)}, when the peer already stored the first {@code fromPart - 1} parts of the next
     * one. Nothing for a peer marked for resync or removed: what it lacks is no longer kept (it reloads from a snapshot).
     */
    private List<ChangeSet> pendingFor(NodeId peer, int limit, int fromPart) {
        peers.requirePeer(peer);
        Binding.Bound bound = binding.follow();
        sequence(bound);
        return readFor(peer, bound, fromPart, limit);
    }

    /** What {@code peer} has not acknowledged and is sequenced already, from part {@code fromPart} of the next one. */
    private List<ChangeSet> readFor(NodeId peer, Binding.Bound bound, int fromPart, int limit) {
        return tx.local(ctx -> {
            java.util.OptionalLong acked = PeerLedger.ackedIfKept(ctx, peer);
            return acked.isEmpty() ? List.<ChangeSet>of()
                : bound.outbound().read(ctx, acked.getAsLong(), fromPart, limit, OutboundQueue.CHANGES_PER_READ);
        });
    }

    /**
     * The peer has durably stored everything of ours up to {@code sequence}; says whether that moved its mark. A
     * sequence beyond the last one this node issued means its database was restored from a backup (or copied): its
     * sequence then moves past what the peer has seen ({@link SequenceCatchUp}), so its new changes are not taken for
     * ones already applied.
     */
    boolean acknowledge(NodeId peer, long sequence) {
        peers.requirePeer(peer);
        Binding.Bound bound = binding.current();
        return tx.local(ctx -> {
            if (sequence > bound.outbound().lastSequence(ctx)) {
                SequenceCatchUp.catchUp(ctx, self, peer, sequence, bound.tables().stream().map(BoundTable::shadow).toList());
            }
            return PeerLedger.acknowledge(ctx, peer, sequence);
        });
    }

    /**
     * Sends everything queued for {@code peer} through {@code transport}, batch by batch, recording each receipt;
     * returns how many ChangeSets (or parts of one) went. Stops when the peer stored less than it was sent (it holds the
     * rest back). A ChangeSet too large for one batch goes in parts; the receipt says how many of its parts the peer
     * holds, and the next batch starts after them (a new call starts again at the first part the receipt names).
     * Throws what the transport throws ({@code PeerUnavailableException}): nothing is lost, the next call resends.
     */
    int deliverTo(NodeId peer, Transport transport, Runnable afterAcknowledge) {
        peers.requirePeer(peer);
        AtomicBoolean busy = inFlight.computeIfAbsent(peer, p -> new AtomicBoolean());
        if (!busy.compareAndSet(false, true)) {
            return 0;
        }
        try {
            int sent = 0;
            int fromPart = 1;
            long stepsSeen = stepsTaken.get();
            while (true) {
                // what was sequenced while the last batch was in flight leaves at once; else everything committed
                // so far is sequenced first, so that the call ends only when nothing committed before it is left
                long steps = stepsTaken.get();
                List<ChangeSet> batch = steps != stepsSeen ? readFor(peer, binding.follow(), fromPart, batchLimit) : List.of();
                stepsSeen = steps;
                if (batch.isEmpty()) {
                    batch = pendingFor(peer, batchLimit, fromPart);
                }
                if (batch.isEmpty()) {
                    return sent;
                }
                // behind a full batch, a backlog: the peer applies the batch while this node sequences what waits, step
                // by step, instead of the two taking turns; the next read then finds it sequenced
                Receipt receipt;
                sending.incrementAndGet();
                if (full(batch)) {
                    sequenceWhileSending();
                }
                try {
                    receipt = transport.send(self, peer, batch);
                } finally {
                    sending.decrementAndGet();
                }
                if (acknowledge(peer, receipt.storedThrough())) {
                    afterAcknowledge.run();
                }
                sent += batch.size();
                ChangeSet last = batch.get(batch.size() - 1);
                fromPart = 1;
                if (receipt.storedThrough() < last.sequence()) {
                    boolean partsKept = last.part().isPresent() && receipt.storedThrough() + 1 == last.sequence()
                        && receipt.partsStored() >= last.part().get().index();
                    if (!partsKept) {
                        return sent;
                    }
                    fromPart = receipt.partsStored() + 1;
                }
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * Whether {@code batch} is as large as a read hands out (in ChangeSets, in row changes, or a part of a ChangeSet too
     * large for one): then more is likely to wait behind it. Behind smaller batches — many small transactions, a few at
     * a time — a thread sequencing beside the applies' own passes only took the sequencer's lock from them: an apply
     * waited for its steps (19 ms a wait, pgbench-like clients on three peers) while it held the rows the clients wait
     * for.
     */
    private boolean full(List<ChangeSet> batch) {
        if (batch.size() >= batchLimit || batch.get(batch.size() - 1).part().isPresent()) {
            return true;
        }
        int changes = 0;
        for (ChangeSet cs : batch) {
            changes += cs.changes().size();
        }
        return changes >= OutboundQueue.CHANGES_PER_READ;
    }

    /**
     * Unless a thread is at it already, starts one that sequences step by step ({@link OutboundQueue#sequenceStep}, each
     * step committed on its own) for as long as a batch is in flight and committed transactions wait: a backlog is
     * sequenced while the peer applies what left before. A failed step ends it quietly: the next delivery sequences as
     * always (and fails there, if sequencing still fails).
     */
    private void sequenceWhileSending() {
        if (!stepping.compareAndSet(false, true)) {
            return;
        }
        Runnable steps = () -> {
            try {
                Binding.Bound bound = binding.current();
                // ends when nothing waits: a thread that kept looking while small batches fly (many small
                // transactions) took the sequencer's lock from the applies' own sequencing, and their lag grew by a
                // fifth (p50 150 -> 180 ms at 50 tx/s per peer)
                while (sending.get() > 0 && tx.local(ctx -> bound.outbound().sequenceStep(ctx)) > 0) {
                    stepsTaken.incrementAndGet();
                }
            } catch (RuntimeException e) {
                LOG.debug("{}: sequencing while a batch was in flight failed ({}); the next delivery sequences", self, e.toString());
            } finally {
                stepping.set(false);
            }
        };
        try {
            ahead.execute(steps);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            stepping.set(false); // closing: the next delivery sequences
        }
    }

    /**
     * Ends the threads that sequence while batches are in flight: none starts from now on, and a pass going is waited
     * for (up to 30 s), so that the caller may close the database next.
     */
    @Override
    public void close() {
        ahead.shutdown();
        try {
            if (!ahead.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("{}: a sequencing pass still runs after 30 s; closing without it", self);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
