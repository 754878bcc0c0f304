package dev.converge;

import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.queue.OutboundQueue;
import dev.converge.relay.RelayStore;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The relaying side of a node: sends a peer the ChangeSets of departed origins that this node keeps
 * ({@link RelayStore}) and the peer is not known to have, over the ordinary transport, with this node as sender. What
 * the peer is known to have applied comes from its heartbeats and its ChangeSets' dependencies, and, between those,
 * from the receipts of what this node relayed to it (kept in memory only: after a restart a few ChangeSets may go
 * again, which the receiver ignores, as it ignores another survivor's copies).
 *
 * <p><b>Threading.</b> Thread-safe: no lock is held while the transport sends; one relay runs per link at a time (a
 * call made while another thread relays to the same peer returns at once with 0).
 */
final class Relay {
    /** About this many changes, and at most {@link #batchLimit} ChangeSets (or parts), go to a peer in one transport call. */
    static final int BATCH_CHANGES = OutboundQueue.CHANGES_PER_READ;

    private final NodeId self;
    private final PeerLedger peers;
    private final Transactions tx;
    private final RelayStore store = new RelayStore();
    /** {@code limits.batch_size}, as for {@link Delivery}. */
    private final int batchLimit;
    private final Map<NodeId, AtomicBoolean> inFlight = new ConcurrentHashMap<>();
    /** Per peer and origin, how far the peer has stored what this node relayed to it (its receipts). */
    private final Map<List<NodeId>, Position> stored = new ConcurrentHashMap<>();
    /** Gaps already warned of (peer, origin, where the gap starts), so that the warning is logged once, not every second. */
    private final java.util.Set<List<String>> warnedGaps = ConcurrentHashMap.newKeySet();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Relay.class);

    /** A point in an origin's ChangeSets: after the whole of {@code sequence} ({@code part} 0) or after that part of it. */
    private record Position(long sequence, int part) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            int bySequence = Long.compare(sequence, o.sequence);
            if (bySequence != 0) {
                return bySequence;
            }
            // the whole of a sequence is past every part of it
            return Integer.compare(part == 0 ? Integer.MAX_VALUE : part, o.part == 0 ? Integer.MAX_VALUE : o.part);
        }
    }

    Relay(NodeId self, PeerLedger peers, Transactions tx, int batchLimit) {
        this.self = self;
        this.batchLimit = batchLimit;
        this.peers = peers;
        this.tx = tx;
    }

    /** See {@code Node.retained}. */
    List<ChangeSet> retained(NodeId origin, long after, int limit) {
        return tx.local(ctx -> store.after(ctx, origin, after, 0, limit, Integer.MAX_VALUE));
    }

    /**
     * Sends {@code peer}, for every departed origin other than itself, what this node keeps of it beyond what the peer
     * is known to have; returns how many ChangeSets (or parts) went. Nothing for a peer marked for resync or removed.
     * Throws what the transport throws; nothing is lost, the next call sends again.
     */
    int relayTo(NodeId peer, Transport transport) {
        peers.requirePeer(peer);
        AtomicBoolean busy = inFlight.computeIfAbsent(peer, p -> new AtomicBoolean());
        if (!busy.compareAndSet(false, true)) {
            return 0;
        }
        try {
            List<NodeId> departed = tx.local(ctx -> PeerLedger.ackedIfKept(ctx, peer).isPresent() ? PeerLedger.departed(ctx) : List.<NodeId>of());
            int sent = 0;
            for (NodeId origin : departed) {
                if (!origin.equals(peer) && !origin.equals(self)) {
                    sent += relay(origin, peer, transport);
                }
            }
            return sent;
        } finally {
            busy.set(false);
        }
    }

    /**
     * Says once, per peer, origin and gap, that the peer lacks ChangeSets of a departed origin that this node no longer
     * keeps (applied here before the node kept them, dropped past the backlog limit, or skipped by a resync): another
     * survivor may still send them; if none does, the peer holds back everything that depends on them (its status shows
     * them as held back) until it is resynced. Relaying goes on regardless: what follows the gap waits there in order.
     */
    private void warnOfGap(NodeId origin, NodeId peer, Position from, ChangeSet first) {
        int firstPart = first.part().map(ChangeSet.Part::index).orElse(0);
        boolean continues = from.part() > 0
            ? first.sequence() == from.sequence() && firstPart == from.part() + 1
            : first.sequence() == from.sequence() + 1 && firstPart <= 1;
        if (!continues && warnedGaps.add(List.of(peer.value(), origin.value(), Long.toString(from.sequence())))) {
            LOG.warn("node {}: peer {} lacks ChangeSets {} to {} of departed node {}, which this node does not keep; unless "
                    + "another survivor holds them, {} holds back what depends on them until `converge resync` loads it from a "
                    + "peer that has them", self, peer, from.sequence() + 1, first.sequence() - 1, origin, peer);
        }
    }

    /** Sends {@code peer} the kept ChangeSets of {@code origin} it lacks, batch by batch, until it has them all. */
    private int relay(NodeId origin, NodeId peer, Transport transport) {
        List<NodeId> key = List.of(peer, origin);
        int sent = 0;
        while (true) {
            Position known = new Position(tx.local(ctx -> PeerLedger.appliedBy(ctx, peer, origin)), 0);
            Position from = stored.getOrDefault(key, known).compareTo(known) > 0 ? stored.get(key) : known;
            List<ChangeSet> batch = tx.local(ctx -> store.after(ctx, origin, from.sequence(), from.part(), batchLimit, BATCH_CHANGES));
            if (batch.isEmpty()) {
                return sent;
            }
            warnOfGap(origin, peer, from, batch.get(0));
            Receipt receipt = transport.send(self, peer, batch);
            sent += batch.size();
            // the receiver stores all it is sent (applied, or in its inbox until what it waits for comes): a gap before
            // the batch (kept here no more) is another survivor's to fill, so it is not sent again either
            ChangeSet last = batch.get(batch.size() - 1);
            Position reached = new Position(last.sequence(), last.part().map(ChangeSet.Part::index).orElse(0));
            if (last.part().isPresent() && last.part().get().index() == last.part().get().count()) {
                reached = new Position(last.sequence(), 0);
            }
            Position confirmed = new Position(receipt.storedThrough(), 0);
            stored.put(key, reached.compareTo(confirmed) >= 0 ? reached : confirmed);
        }
    }
}
