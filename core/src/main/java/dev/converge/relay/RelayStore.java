package dev.converge.relay;

import static dev.converge.install.MetaTables.*;

import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep6;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * Other origins' ChangeSets kept after they were applied here ({@code cv_relay}), so that they can be relayed to a
 * peer that lacks them once their origin has left. One row per whole ChangeSet ({@code part} 0) or per part of one
 * that travelled in parts, holding the codec's JSON as the ChangeSet arrived. A ChangeSet is applied exactly once, so
 * it is kept once. Stateless; thread-safe; every method works in the caller's transaction.
 */
public final class RelayStore {
    /** Keeps {@code applied} (whole ChangeSets of one or more origins, just applied): one insert for all of them. */
    public void retain(DSLContext ctx, List<ChangeSet> applied) {
        if (applied.isEmpty()) {
            return;
        }
        InsertValuesStep6<Record, String, Long, Integer, Long, Integer, String> insert = ctx.insertInto(RELAY)
            .columns(RELAY_ORIGIN, RELAY_SEQ, RELAY_PART, RELAY_TS, RELAY_CHANGES, RELAY_PAYLOAD);
        for (ChangeSet cs : applied) {
            insert = insert.values(cs.origin().value(), cs.sequence(), cs.part().map(ChangeSet.Part::index).orElse(0),
                cs.timestamp().asLong(), cs.changes().size(), ChangeSetCodec.toJson(cs));
        }
        insert.execute();
    }

    /**
     * Keeps the ChangeSet {@code sequence} of {@code origin} that travelled in parts, copied from the inbox's parts
     * (before the apply transaction removes them) without decoding them.
     */
    public void retainParts(DSLContext ctx, NodeId origin, long sequence, long timestamp) {
        ctx.insertInto(RELAY).columns(RELAY_ORIGIN, RELAY_SEQ, RELAY_PART, RELAY_TS, RELAY_CHANGES, RELAY_PAYLOAD)
            .select(DSL.select(IPART_ORIGIN, IPART_SEQ, IPART_PART, DSL.val(timestamp), DSL.val(0), IPART_PAYLOAD).from(INBOX_PARTS)
                .where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.eq(sequence)))
            .execute();
    }

    /**
     * The kept ChangeSets of {@code origin} after position ({@code sequence}, {@code part}) — part 0: after the whole of
     * {@code sequence}; a part index: after that part of it — in sequence and part order: at most {@code limit}, and no
     * more once they hold {@code maxChanges} changes (the first is always taken). Parts come as parts.
     */
    public List<ChangeSet> after(DSLContext ctx, NodeId origin, long sequence, int part, int limit, int maxChanges) {
        var later = RELAY_SEQ.gt(sequence);
        if (part > 0) {
            later = later.or(RELAY_SEQ.eq(sequence).and(RELAY_PART.gt(part)));
        }
        List<ChangeSet> out = new ArrayList<>();
        int changes = 0;
        for (var r : ctx.select(RELAY_PAYLOAD, RELAY_CHANGES).from(RELAY).where(RELAY_ORIGIN.eq(origin.value())).and(later)
            .orderBy(RELAY_SEQ, RELAY_PART).limit(limit).fetch()) {
            if (!out.isEmpty() && changes >= maxChanges) {
                break;
            }
            ChangeSet cs = ChangeSetCodec.fromJson(r.value1());
            changes += cs.changes().size();
            out.add(cs);
        }
        return out;
    }

    /** Forgets the kept ChangeSets of {@code origin} through {@code sequence}; returns how many rows went. */
    public int trim(DSLContext ctx, NodeId origin, long sequence) {
        return ctx.deleteFrom(RELAY).where(RELAY_ORIGIN.eq(origin.value())).and(RELAY_SEQ.le(sequence)).execute();
    }

    /** The origins of which something is kept. */
    public List<NodeId> origins(DSLContext ctx) {
        return ctx.selectDistinct(RELAY_ORIGIN).from(RELAY).fetch(RELAY_ORIGIN).stream().map(NodeId::of).toList();
    }

    /** How many ChangeSets (a ChangeSet in parts counts once) of {@code origin} are kept. */
    public int count(DSLContext ctx, NodeId origin) {
        return ctx.fetchCount(DSL.selectDistinct(RELAY_SEQ).from(RELAY).where(RELAY_ORIGIN.eq(origin.value())));
    }

    /**
     * Bounds what is kept: forgets every kept ChangeSet older than {@code oldestTimestamp} (packed hybrid timestamp;
     * {@code Long.MIN_VALUE}: no bound by age), then, oldest first, as many as it takes to hold at most {@code maxChanges}
     * changes ({@code Long.MAX_VALUE}: no bound by rows). Returns how many rows went.
     */
    public int bound(DSLContext ctx, long oldestTimestamp, long maxChanges) {
        int removed = oldestTimestamp == Long.MIN_VALUE ? 0 : ctx.deleteFrom(RELAY).where(RELAY_TS.lt(oldestTimestamp)).execute();
        if (maxChanges == Long.MAX_VALUE) {
            return removed;
        }
        Long total = ctx.select(DSL.sum(RELAY_CHANGES)).from(RELAY).fetchOne(0, Long.class);
        if (total == null || total <= maxChanges) {
            return removed;
        }
        long excess = total - maxChanges;
        // the oldest by timestamp first; one read of their keys, then one delete per origin up to the last one to go
        java.util.Map<String, Long> through = new java.util.HashMap<>();
        for (var r : ctx.select(RELAY_ORIGIN, RELAY_SEQ, RELAY_CHANGES).from(RELAY).orderBy(RELAY_TS, RELAY_ORIGIN, RELAY_SEQ).fetch()) {
            if (excess <= 0) {
                break;
            }
            excess -= r.value3();
            through.merge(r.value1(), r.value2(), Math::max);
        }
        for (var e : through.entrySet()) {
            removed += trim(ctx, NodeId.of(e.getKey()), e.getValue());
        }
        return removed;
    }
}
