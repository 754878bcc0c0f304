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
 * thread is already delivering to the same peer returns at once (0), since that delivery ships what is queued.
 */
final class Delivery {
    private final NodeId self;
    private final PeerLedger peers;
    private final Transactions tx;
    private final Binding binding;
    private final Map<NodeId, AtomicBoolean> inFlight = new ConcurrentHashMap<>();
    /** How many ChangeSets go to a peer in one transport call ({@code limits.batch_size}). */
    private final int batchLimit;

    Delivery(NodeId self, PeerLedger peers, Transactions tx, Binding binding, int batchLimit) {
        this.self = self;
        this.batchLimit = batchLimit;
        this.peers = peers;
        this.tx = tx;
        this.binding = binding;
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
            while (true) {
                List<ChangeSet> batch = pendingFor(peer, batchLimit, fromPart);
                if (batch.isEmpty()) {
                    return sent;
                }
                Receipt receipt = transport.send(self, peer, batch);
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
}
