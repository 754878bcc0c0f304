package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.PeerConfig;
import dev.converge.model.NodeId;
import dev.converge.queue.OutboundQueue;
import dev.converge.shadow.JdbcShadowStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Forgets what every peer has: captured rows of ChangeSets all peers acknowledged, and the tombstones of deletes
 * every peer has applied.
 *
 * <p>A tombstone must stay as long as a change concurrent with its delete may still arrive here, for that change is
 * judged against it (whatever the resolver). Every ChangeSet a peer sends after one that depends on the delete comes
 * after it, so once the last ChangeSet applied here from each peer (other than the delete's origin) depends on the
 * delete, nothing concurrent with it can come any more. Timestamps cannot tell this: a peer's later ChangeSets carry
 * later timestamps, but may still not have seen the delete. (A transaction at that peer that wrote the row before the
 * delete reached it and commits later does not break this: applying the delete waits for that transaction's row lock,
 * so no ChangeSet of the peer depends on the delete before it.) Tombstones also outlive the purge grace
 * ({@link NodeConfig#purgeGrace()}), a margin only.
 *
 * <p>Thread-safe: stateless apart from configuration; each purge is one database transaction.
 */
final class Purge {
    private final NodeConfig config;
    private final List<BoundTable> tables;
    private final Transactions tx;
    private final OutboundQueue outbound;
    private final TimeSource time;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    Purge(NodeConfig config, List<BoundTable> tables, Transactions tx, OutboundQueue outbound, TimeSource time) {
        this.config = config;
        this.tables = List.copyOf(tables);
        this.tx = tx;
        this.outbound = outbound;
        this.time = time;
    }

    Node.PurgeResult run() {
        return tx.local(ctx -> {
            if (config.peers().isEmpty()) {
                return new Node.PurgeResult(0, 0);
            }
            long ackedByAll = Long.MAX_VALUE;
            Map<NodeId, Map<NodeId, Long>> seenBy = new HashMap<>();
            for (PeerConfig p : config.peers()) {
                ackedByAll = Math.min(ackedByAll, PeerLedger.acked(ctx, p.id()));
                String deps = ctx.select(APPLIED_DEPS).from(APPLIED).where(APPLIED_ORIGIN.eq(p.id().value())).fetchOne(APPLIED_DEPS);
                seenBy.put(p.id(), deps == null ? Map.of() : OutboundQueue.parseDeps(deps));
            }
            // per origin of a delete: the highest sequence of it that every other peer has applied
            Map<String, Long> seenThrough = new HashMap<>();
            List<NodeId> origins = new ArrayList<>();
            config.peers().forEach(p -> origins.add(p.id()));
            origins.add(config.id());
            for (NodeId origin : origins) {
                long through = Long.MAX_VALUE;
                for (PeerConfig p : config.peers()) {
                    if (!p.id().equals(origin)) {
                        through = Math.min(through, seenBy.get(p.id()).getOrDefault(origin, 0L));
                    }
                }
                seenThrough.put(origin.value(), through);
            }
            long graceEnd = HybridTimestamp.ofMillis(Math.max(0, time.currentTimeMillis() - config.purgeGrace().toMillis())).asLong();
            int rows = outbound.purge(ctx, ackedByAll);
            int tombstones = 0;
            for (BoundTable t : tables) {
                tombstones += shadows.purgeSeen(ctx, t.shadow(), seenThrough, graceEnd);
            }
            return new Node.PurgeResult(rows, tombstones);
        });
    }
}
