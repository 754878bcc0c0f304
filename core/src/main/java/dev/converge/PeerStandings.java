package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.backlog.PeerStanding;
import dev.converge.backlog.ResyncMark;
import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The peers' standing in {@code cv_peer}: resync marks this node set, marks a peer told it about, departures. A peer's
 * row is created when it is first needed (as acknowledging does), with nothing acknowledged. Stateless; thread-safe;
 * every method works in the caller's transaction.
 */
final class PeerStandings {
    private PeerStandings() {
    }

    /** Every configured peer's standing, in the order given; a peer with no row stands in good standing. */
    static Map<NodeId, PeerStanding> read(DSLContext ctx, NodeId self, List<NodeId> peers) {
        Map<String, Record> rows = new LinkedHashMap<>();
        ctx.select(PEER_ID, PEER_RESYNC_SINCE, PEER_RESYNC_REASON, PEER_TOLD_SINCE, PEER_TOLD_REASON, PEER_DEPARTED).from(PEERS)
            .fetch().forEach(r -> rows.put(r.get(PEER_ID), r));
        Map<NodeId, PeerStanding> out = new LinkedHashMap<>();
        for (NodeId peer : peers) {
            Record r = rows.get(peer.value());
            out.put(peer, r == null ? PeerStanding.ordinary(peer) : standing(self, peer, r));
        }
        return out;
    }

    /** One peer's standing. */
    static PeerStanding one(DSLContext ctx, NodeId self, NodeId peer) {
        Record r = ctx.select(PEER_ID, PEER_RESYNC_SINCE, PEER_RESYNC_REASON, PEER_TOLD_SINCE, PEER_TOLD_REASON, PEER_DEPARTED)
            .from(PEERS).where(PEER_ID.eq(peer.value())).fetchOne();
        return r == null ? PeerStanding.ordinary(peer) : standing(self, peer, r);
    }

    private static PeerStanding standing(NodeId self, NodeId peer, Record r) {
        Optional<ResyncMark> marked = Optional.ofNullable(r.get(PEER_RESYNC_SINCE))
            .map(ms -> new ResyncMark(peer, self, Instant.ofEpochMilli(ms), Optional.ofNullable(r.get(PEER_RESYNC_REASON)).orElse("")));
        Optional<ResyncMark> told = Optional.ofNullable(r.get(PEER_TOLD_SINCE))
            .map(ms -> new ResyncMark(self, peer, Instant.ofEpochMilli(ms), Optional.ofNullable(r.get(PEER_TOLD_REASON)).orElse("")));
        return new PeerStanding(peer, marked, told, Optional.ofNullable(r.get(PEER_DEPARTED)).map(Instant::ofEpochMilli));
    }

    /** Makes sure the peer has a row (nothing acknowledged), so that the updates below find one. */
    static void ensureRow(DSLContext ctx, NodeId peer) {
        if (!ctx.fetchExists(ctx.selectOne().from(PEERS).where(PEER_ID.eq(peer.value())))) {
            ctx.insertInto(PEERS).columns(PEER_ID, PEER_ACKED).values(peer.value(), 0L)
                .onConflict(DSL.field(DSL.name(PEERS.getName(), PEER_ID.getName()), String.class)).doNothing().execute();
        }
    }

    /** Marks {@code peer} for resync unless it is marked already; says whether this call marked it. */
    static boolean mark(DSLContext ctx, NodeId peer, Instant since, String reason) {
        ensureRow(ctx, peer);
        return ctx.update(PEERS).set(PEER_RESYNC_SINCE, since.toEpochMilli()).set(PEER_RESYNC_REASON, clip(reason))
            .where(PEER_ID.eq(peer.value())).and(PEER_RESYNC_SINCE.isNull()).execute() > 0;
    }

    /** Clears the mark and sets what the peer has acknowledged to {@code acknowledged}, exactly (it may go down). */
    static void resynced(DSLContext ctx, NodeId peer, long acknowledged) {
        ensureRow(ctx, peer);
        ctx.update(PEERS).set(PEER_RESYNC_SINCE, (Long) null).set(PEER_RESYNC_REASON, (String) null).set(PEER_ACKED, acknowledged)
            .where(PEER_ID.eq(peer.value())).execute();
    }

    /** Records what the peer said about marking this node (empty: it has no mark on it); writes only when it changed. */
    static boolean told(DSLContext ctx, NodeId peer, Optional<ResyncMark> mark) {
        Record r = ctx.select(PEER_TOLD_SINCE, PEER_TOLD_REASON).from(PEERS).where(PEER_ID.eq(peer.value())).fetchOne();
        Long since = mark.map(m -> m.since().toEpochMilli()).orElse(null);
        String reason = mark.map(m -> clip(m.reason())).orElse(null);
        if (r != null && java.util.Objects.equals(r.get(PEER_TOLD_SINCE), since) && java.util.Objects.equals(r.get(PEER_TOLD_REASON), reason)) {
            return false;
        }
        if (r == null && mark.isEmpty()) {
            return false;
        }
        ensureRow(ctx, peer);
        ctx.update(PEERS).set(PEER_TOLD_SINCE, since).set(PEER_TOLD_REASON, reason).where(PEER_ID.eq(peer.value())).execute();
        return true;
    }

    /**
     * Records that the peer left the mesh for good and drops what it had told: its heartbeat, and any mark either way
     * (what it acknowledged stays, unused). Says whether it had not departed already.
     */
    static boolean depart(DSLContext ctx, NodeId peer, Instant when) {
        ensureRow(ctx, peer);
        ctx.deleteFrom(HEARTBEATS).where(HB_PEER.eq(peer.value())).execute();
        return ctx.update(PEERS).set(PEER_DEPARTED, when.toEpochMilli()).set(PEER_RESYNC_SINCE, (Long) null)
            .set(PEER_RESYNC_REASON, (String) null).set(PEER_TOLD_SINCE, (Long) null).set(PEER_TOLD_REASON, (String) null)
            .where(PEER_ID.eq(peer.value())).and(PEER_DEPARTED.isNull()).execute() > 0;
    }

    /**
     * Records that the peer joins (or rejoins) the mesh: no longer departed, no mark either way, nothing acknowledged —
     * so this node keeps everything for it from now on, until it has loaded a snapshot from any peer and acknowledges.
     * Says whether it had been removed before.
     */
    static boolean join(DSLContext ctx, NodeId peer) {
        ensureRow(ctx, peer);
        boolean wasRemoved = ctx.fetchExists(ctx.selectOne().from(PEERS).where(PEER_ID.eq(peer.value())).and(PEER_DEPARTED.isNotNull()));
        ctx.deleteFrom(HEARTBEATS).where(HB_PEER.eq(peer.value())).execute();
        ctx.update(PEERS).set(PEER_DEPARTED, (Long) null).set(PEER_ACKED, 0L).set(PEER_RESYNC_SINCE, (Long) null)
            .set(PEER_RESYNC_REASON, (String) null).set(PEER_TOLD_SINCE, (Long) null).set(PEER_TOLD_REASON, (String) null)
            .where(PEER_ID.eq(peer.value())).execute();
        return wasRemoved;
    }

    private static String clip(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
