package dev.converge;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.PeerConfig;
import dev.converge.conflict.ConflictStatus;
import dev.converge.model.NodeId;
import io.vavr.control.Either;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Reads a {@link NodeStatus} from the metadata tables, for {@link Node#status}. Read-only: a handful of counts and
 * minimums over the queue, peer and conflict tables, each answered from their keys or a small scan. Stateless.
 */
final class StatusQuery {
    private StatusQuery() {
    }

    static Either<ConfigError, NodeStatus> read(DSLContext ctx, NodeConfig config) {
        Optional<String> installedFor = installedFor(ctx);
        if (installedFor.isEmpty()) {
            return Either.left(new ConfigError("database", "Converge is not installed in this database (run converge init)"));
        }
        if (!installedFor.get().equals(config.id().value())) {
            return Either.left(new ConfigError("database", "this database is installed for node " + installedFor.get()
                + ", not " + config.id()));
        }
        List<NodeStatus.PeerBacklog> peers = new ArrayList<>();
        List<NodeId> ids = config.peers().stream().map(PeerConfig::id).toList();
        // a database the node has not opened since Converge was upgraded has no standings or row counts yet
        boolean current = dev.converge.install.MetadataSchema.installed(ctx).orElse(0) >= 3;
        Map<NodeId, dev.converge.backlog.PeerStanding> standings = new java.util.HashMap<>();
        if (current) {
            standings.putAll(PeerStandings.read(ctx, config.id(), ids));
        }
        ids.forEach(p -> standings.putIfAbsent(p, dev.converge.backlog.PeerStanding.ordinary(p)));
        for (PeerConfig peer : config.peers()) {
            peers.add(backlog(ctx, peer.id(), standings.get(peer.id()), current));
        }
        List<NodeStatus.Watermark> applied = ctx.select(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS).from(APPLIED)
            .orderBy(APPLIED_ORIGIN).fetch(r -> new NodeStatus.Watermark(NodeId.of(r.value1()), r.value2(), instant(r.value3())));
        long heldBack = ctx.fetchCount(INBOX);
        long toReview = ctx.fetchCount(CONFLICTS, C_STATUS.eq(ConflictStatus.NEEDS_REVIEW.word()));
        return Either.right(new NodeStatus(config.id(), notYetSequenced(ctx), peers, applied, heldBack, toReview));
    }

    /** The node id in the clock row, or empty if the metadata tables are not there. */
    static Optional<String> installedFor(DSLContext ctx) {
        try {
            return Optional.ofNullable(ctx.select(CLOCK_NODE).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_NODE));
        } catch (DataAccessException noSuchTable) {
            return Optional.empty();
        }
    }

    /** What waits for one peer; nothing for a peer marked for resync or removed (nothing is kept for it). */
    private static NodeStatus.PeerBacklog backlog(DSLContext ctx, NodeId peer, dev.converge.backlog.PeerStanding standing, boolean counted) {
        long acked = PeerLedger.acked(ctx, peer);
        if (!standing.kept()) {
            return new NodeStatus.PeerBacklog(peer, acked, 0, Optional.empty(), 0, standing);
        }
        var waiting = ctx.select(DSL.count(), min(OTX_TS)).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(acked)).fetchOne();
        Optional<Instant> oldest = Optional.ofNullable(waiting.value2()).map(StatusQuery::instant);
        return new NodeStatus.PeerBacklog(peer, acked, waiting.value1(), oldest,
            counted ? dev.converge.queue.OutboundQueue.rowsAfter(ctx, acked) : 0, standing);
    }

    /** Captured transactions the sequencer has not turned into ChangeSets yet (as {@code OutboundQueue.sequence} finds them). */
    static long notYetSequenced(DSLContext ctx) {
        Long n = ctx.fetchOne(notYetSequencedQuery()).get(0, Long.class);
        return n == null ? 0 : n;
    }

    /** The query that counts them, to run on its own or inside another statement. */
    static org.jooq.Select<org.jooq.Record1<Long>> notYetSequencedQuery() {
        Field<String> oTx = DSL.field(DSL.name("o", OUTBOX_TX.getName()), String.class);
        Field<String> sequencedTx = DSL.field(DSL.name(OUTBOX_TX_TABLE.getName(), OTX_TX.getName()), String.class);
        return DSL.select(countDistinct(oTx).cast(Long.class)).from(OUTBOX.as("o"))
            .where(notExists(selectOne().from(OUTBOX_TX_TABLE).where(sequencedTx.eq(oTx))));
    }

    private static Instant instant(long hybridTimestamp) {
        return Instant.ofEpochMilli(HybridTimestamp.fromLong(hybridTimestamp).physicalMillis());
    }
}
