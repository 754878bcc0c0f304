package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.config.NodeConfig;
import dev.converge.model.ChangeSetCodec;
import dev.converge.queue.OutboundQueue;
import dev.converge.transport.Heartbeat;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Record2;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Who this node talks to, what each of them has acknowledged ({@code cv_peer}) and told in its latest heartbeat
 * ({@code cv_heartbeat}), and what this node has applied ({@code cv_applied}).
 * Acknowledgements only move forward: a late or repeated one is harmless. Stateless apart from the configuration,
 * whose peers a running node may replace ({@link #replace}); thread-safe; every method works in the caller's transaction.
 */
final class PeerLedger {
    private volatile NodeConfig config;

    PeerLedger(NodeConfig config) {
        this.config = config;
    }

    /** From now on, the peers are {@code changed}'s. */
    void replace(NodeConfig changed) {
        this.config = changed;
    }

    List<NodeId> peers() {
        return config.peers().stream().map(p -> p.id()).toList();
    }

    boolean isPeer(NodeId node) {
        return config.peers().stream().anyMatch(p -> p.id().equals(node));
    }

    /** @throws MalformedChangeSetException if {@code node} is not a configured peer */
    void requirePeer(NodeId node) {
        if (!isPeer(node)) {
            throw new MalformedChangeSetException(node + " is not a peer of " + config.id());
        }
    }

    /** The highest sequence of ours that {@code peer} has acknowledged (0 if none). */
    static long acked(DSLContext ctx, NodeId peer) {
        Long seq = ctx.select(PEER_ACKED).from(PEERS).where(PEER_ID.eq(peer.value())).fetchOne(PEER_ACKED);
        return seq == null ? 0 : seq;
    }

    /**
     * What {@code peer} has acknowledged (0 if none), or empty if this node keeps nothing for it any more: marked for
     * resync or removed from the mesh (see {@link dev.converge.backlog.PeerStanding#kept}). One look-up by key.
     */
    static java.util.OptionalLong ackedIfKept(DSLContext ctx, NodeId peer) {
        var r = ctx.select(PEER_ACKED, PEER_RESYNC_SINCE, PEER_DEPARTED).from(PEERS).where(PEER_ID.eq(peer.value())).fetchOne();
        if (r == null) {
            return java.util.OptionalLong.of(0);
        }
        return r.value2() == null && r.value3() == null ? java.util.OptionalLong.of(r.value1()) : java.util.OptionalLong.empty();
    }

    /** Whether {@code node} was removed from the mesh ({@code cv_peer.departed_since}), configured or not. */
    static boolean departed(DSLContext ctx, NodeId node) {
        return ctx.fetchExists(ctx.selectOne().from(PEERS).where(PEER_ID.eq(node.value())).and(PEER_DEPARTED.isNotNull()));
    }

    /** Every node removed from the mesh, configured or not. */
    static List<NodeId> departed(DSLContext ctx) {
        return ctx.select(PEER_ID).from(PEERS).where(PEER_DEPARTED.isNotNull()).orderBy(PEER_ID).fetch(PEER_ID).stream().map(NodeId::of).toList();
    }

    /**
     * What {@code peer} is known to have applied of {@code origin}: the larger of what its latest heartbeat said and what
     * the latest ChangeSet of it applied here depended on (0 if neither says). A lower bound: it may have applied more.
     */
    static long appliedBy(DSLContext ctx, NodeId peer, NodeId origin) {
        long known = 0;
        String hb = ctx.select(HB_APPLIED).from(HEARTBEATS).where(HB_PEER.eq(peer.value())).fetchOne(HB_APPLIED);
        if (hb != null) {
            known = OutboundQueue.parseDeps(hb).getOrDefault(origin, 0L);
        }
        String deps = ctx.select(APPLIED_DEPS).from(APPLIED).where(APPLIED_ORIGIN.eq(peer.value())).fetchOne(APPLIED_DEPS);
        if (deps != null) {
            known = Math.max(known, OutboundQueue.parseDeps(deps).getOrDefault(origin, 0L));
        }
        return known;
    }

    /** Raises what {@code peer} acknowledged to {@code sequence}; a lower value changes nothing. Says whether it moved. */
    static boolean acknowledge(DSLContext ctx, NodeId peer, long sequence) {
        int n = ctx.update(PEERS).set(PEER_ACKED, DSL.greatest(PEER_ACKED, DSL.val(sequence))).where(PEER_ID.eq(peer.value()))
            .and(PEER_ACKED.lt(sequence)).execute();
        if (n > 0) {
            return true;
        }
        if (ctx.fetchExists(ctx.selectOne().from(PEERS).where(PEER_ID.eq(peer.value())))) {
            return false;
        }
        ctx.insertInto(PEERS).columns(PEER_ID, PEER_ACKED).values(peer.value(), sequence).onConflict(DSL.field(DSL.name(PEERS.getName(), PEER_ID.getName()), String.class)).doNothing().execute();
        return true;
    }

    /**
     * Keeps {@code peer}'s heartbeat if it is at least as recent as the one kept (a late or repeated one changes nothing):
     * both its last sequence and what it applied only grow.
     */
    static void heartbeat(DSLContext ctx, NodeId peer, Heartbeat hb) {
        Record2<Long, String> kept = ctx.select(HB_SEQ, HB_APPLIED).from(HEARTBEATS).where(HB_PEER.eq(peer.value())).forUpdate().fetchOne();
        Map<NodeId, Long> applied = new TreeMap<>(java.util.Comparator.comparing(NodeId::value));
        applied.putAll(hb.applied());
        long seq = hb.lastSequence();
        if (kept != null) {
            OutboundQueue.parseDeps(kept.value2()).forEach((origin, s) -> applied.merge(origin, s, Math::max));
            seq = Math.max(seq, kept.value1());
        }
        Map<String, Long> json = new TreeMap<>();
        applied.forEach((origin, s) -> json.put(origin.value(), s));
        String text = ChangeSetCodec.mapper().valueToTree(json).toString();
        if (kept == null) {
            ctx.insertInto(HEARTBEATS).columns(HB_PEER, HB_SEQ, HB_APPLIED).values(peer.value(), seq, text).execute();
        } else {
            ctx.update(HEARTBEATS).set(HB_SEQ, seq).set(HB_APPLIED, text).where(HB_PEER.eq(peer.value())).execute();
        }
    }

    /** What this node has applied of every origin (not itself), for its own heartbeat. */
    static Map<NodeId, Long> applied(DSLContext ctx) {
        Map<NodeId, Long> out = new java.util.HashMap<>();
        ctx.select(APPLIED_ORIGIN, APPLIED_SEQ).from(APPLIED).fetch().forEach(r -> out.put(NodeId.of(r.value1()), r.value2()));
        return out;
    }

    /** The highest sequence of {@code origin} applied here (every lower one is applied too); 0 if none. */
    static long watermark(DSLContext ctx, NodeId origin) {
        Long seq = ctx.select(APPLIED_SEQ).from(APPLIED).where(APPLIED_ORIGIN.eq(origin.value())).fetchOne(APPLIED_SEQ);
        return seq == null ? 0 : seq;
    }
}
