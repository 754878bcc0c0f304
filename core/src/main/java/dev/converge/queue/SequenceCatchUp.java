package dev.converge.queue;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.max;

import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.ShadowTable;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does when a peer has seen more of its sequence than it has issued: its database was restored from a
 * backup (or copied from another node's), so it has forgotten the sequence numbers it gave out after the backup,
 * while its peers still hold them as applied ({@code cv_applied}). Left alone, it would give its new transactions
 * those numbers again, and every peer that had seen them would drop the new transactions as already applied.
 *
 * <p>The node learns it from the peer's receipt: it acknowledges a sequence beyond the last one this node issued,
 * which cannot happen otherwise. The peer then skipped, as already applied, whatever this node sent it after what
 * it had acknowledged before ({@code cv_peer}). So, in the caller's transaction, with the sequencer and applies locked out:
 * <ol>
 *   <li>the transactions after that acknowledgement are renumbered to come after what the peer has seen, keeping
 *       their order (their versions in the shadow tables follow); a peer that did apply some of them gets them again
 *       under the new numbers, which writes the same row images again;</li>
 *   <li>the numbers from that acknowledgement up to what the peer has seen become empty ChangeSets, so that a peer
 *       that has seen fewer of them is not left waiting for numbers that will never come; whatever the node wrote
 *       under those numbers before the restore is not in its database any more and cannot be sent again;</li>
 *   <li>new transactions are numbered after all of these, and the event is logged as a warning.</li>
 * </ol>
 *
 * <p>Hook: {@code Node.acknowledge} calls {@link #catchUp} instead of refusing an acknowledgement beyond its last
 * sequence, then records the acknowledgement as usual.
 *
 * <p>Limit: the node learns of the restore only from a receipt beyond its last sequence. A peer that had seen some of
 * the forgotten numbers, but no more than the restored node has issued again by the time it first delivers to that
 * peer, acknowledges nothing beyond, so nothing tells the node, and that peer drops the new transactions it takes for
 * ones it applied. (A receiver could tell, as such a ChangeSet is stamped later than anything it applied from that
 * origin; reporting it needs a field in the receipt.)
 */
public final class SequenceCatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceCatchUp.class);
    /** The most empty ChangeSets one catch-up writes: a peer that claims more is not believed. */
    static final long MAX_GAP = 1_000_000;

    private SequenceCatchUp() {
    }

    /**
     * Moves this node's sequence past {@code seen}, which {@code peer} reports having stored though this node's last
     * sequence is lower; does nothing if it no longer is.
     *
     * @param shadows the shadow tables of the replicated tables, whose versions of this node's writes name their sequence
     * @throws MalformedChangeSetException if {@code seen} is more than {@value #MAX_GAP} beyond what the peer acknowledged
     *     before: not a restored backup, a broken peer
     */
    public static void catchUp(DSLContext tx, NodeId self, NodeId peer, long seen, List<ShadowTable> shadows) {
        // the clock row first, as an apply takes it before it has its local transactions sequenced: no apply meanwhile
        // (it judges versions this renumbers) and no sequencer (it gives out the numbers this moves)
        Record clock = tx.select(CLOCK_FLOOR).from(CLOCK).where(CLOCK_ID.eq(1)).forUpdate().fetchOne();
        long sequencerFloor = OutboundQueue.lockSequencer(tx);
        Long lastOrNull = tx.select(max(OTX_SEQ)).from(OUTBOX_TX_TABLE).fetchOne(0, Long.class);
        long last = lastOrNull == null ? 0 : lastOrNull;
        if (seen <= last) {
            return;
        }
        Long ackedOrNull = tx.select(PEER_ACKED).from(PEERS).where(PEER_ID.eq(peer.value())).fetchOne(PEER_ACKED);
        long acked = Math.min(last, ackedOrNull == null ? 0 : ackedOrNull);
        if (seen - acked > MAX_GAP) {
            throw new MalformedChangeSetException("peer " + peer + " acknowledged sequence " + seen + " of " + self + ", which has issued only "
                + last + " and had " + acked + " acknowledged by it: too far ahead for a restored backup");
        }
        long shift = seen - acked;
        // every new number is above every old one (seen > last), so no two rows ever hold one number
        int renumbered = tx.update(OUTBOX_TX_TABLE).set(OTX_SEQ, OTX_SEQ.plus(shift)).where(OTX_SEQ.gt(acked)).execute();
        JdbcShadowStore store = new JdbcShadowStore();
        for (ShadowTable s : shadows) {
            store.renumber(tx, s, self.value(), acked, shift);
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        long ts = Math.max(clock.get(CLOCK_FLOOR), sequencerFloor);
        var insert = tx.batch(tx.insertInto(OUTBOX_TX_TABLE).columns(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS).values((Long) null, null, null, null));
        for (long seq = acked + 1; seq <= seen; seq++) {
            insert = insert.bind(seq, "cv-gap-" + run + "-" + seq, ts, "{}");
        }
        insert.execute();
        LOG.warn("node {}: peer {} has seen sequence {} of this node, which has issued only up to {}: this database was restored from a"
                + " backup or copied from another node's. Sequences {} to {} are now empty ChangeSets, the {} transactions after {} are"
                + " renumbered from {} on, and new transactions follow them. What this node wrote under the forgotten numbers before"
                + " the restore is lost here (peers that received it keep it).",
            self, peer, seen, last, acked + 1, seen, renumbered, acked, seen + 1);
    }
}
