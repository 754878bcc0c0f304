package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.config.NodeConfig;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Who this node talks to and what each of them has acknowledged ({@code cv_peer}) and applied ({@code cv_applied}).
 * Acknowledgements only move forward: a late or repeated one is harmless. Stateless apart from the configuration;
 * thread-safe; every method works in the caller's transaction.
 */
final class PeerLedger {
    private final NodeConfig config;

    PeerLedger(NodeConfig config) {
        this.config = config;
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

    /** The highest sequence of {@code origin} applied here (every lower one is applied too); 0 if none. */
    static long watermark(DSLContext ctx, NodeId origin) {
        Long seq = ctx.select(APPLIED_SEQ).from(APPLIED).where(APPLIED_ORIGIN.eq(origin.value())).fetchOne(APPLIED_SEQ);
        return seq == null ? 0 : seq;
    }
}
