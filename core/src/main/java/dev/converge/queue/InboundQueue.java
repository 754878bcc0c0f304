package dev.converge.queue;

import static dev.converge.install.MetaTables.*;

import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * ChangeSets received from peers and stored durably ({@code cv_inbox}) before they are acknowledged; each leaves the
 * inbox in the transaction that applies it. Storing is idempotent: a ChangeSet already stored or already applied is
 * ignored, so re-delivery is harmless. Stateless; the caller's transaction decides durability.
 */
public final class InboundQueue {
    /** Stores the ChangeSet unless it is already applied ({@code seq <= watermark}) or stored; says whether it stored it. */
    public boolean store(DSLContext ctx, ChangeSet cs, long watermark) {
        if (cs.sequence() <= watermark) {
            return false;
        }
        boolean present = ctx.fetchExists(ctx.selectOne().from(INBOX)
            .where(INBOX_ORIGIN.eq(cs.origin().value())).and(INBOX_SEQ.eq(cs.sequence())));
        if (present) {
            return false;
        }
        ctx.insertInto(INBOX).columns(INBOX_ORIGIN, INBOX_SEQ, INBOX_PAYLOAD)
            .values(cs.origin().value(), cs.sequence(), ChangeSetCodec.toJson(cs)).execute();
        return true;
    }

    /** The highest sequence of {@code origin} such that it and every one before it is applied or stored. */
    public long storedThrough(DSLContext ctx, NodeId origin, long watermark) {
        List<Long> seqs = ctx.select(INBOX_SEQ).from(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.gt(watermark))
            .orderBy(INBOX_SEQ).fetch(INBOX_SEQ);
        long through = watermark;
        for (long s : seqs) {
            if (s != through + 1) {
                break;
            }
            through = s;
        }
        return through;
    }

    /** The stored ChangeSet of {@code origin} with this sequence, if any. */
    public Optional<ChangeSet> get(DSLContext ctx, NodeId origin, long sequence) {
        return ctx.select(INBOX_PAYLOAD).from(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.eq(sequence))
            .fetchOptional(INBOX_PAYLOAD).map(ChangeSetCodec::fromJson);
    }

    public void remove(DSLContext ctx, NodeId origin, long sequence) {
        ctx.deleteFrom(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.eq(sequence)).execute();
    }

    /** Origins that have ChangeSets waiting here. */
    public List<NodeId> origins(DSLContext ctx) {
        return ctx.selectDistinct(INBOX_ORIGIN).from(INBOX).orderBy(INBOX_ORIGIN).fetch(INBOX_ORIGIN).stream().map(NodeId::of).toList();
    }

    public int waiting(DSLContext ctx) {
        return ctx.fetchCount(INBOX);
    }
}
