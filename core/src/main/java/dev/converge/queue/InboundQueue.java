package dev.converge.queue;

import static dev.converge.install.MetaTables.*;

import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * ChangeSets received from peers and stored durably ({@code cv_inbox}) before they are acknowledged; each leaves the
 * inbox in the transaction that applies it. Storing is idempotent: a ChangeSet already stored or already applied is
 * ignored, so re-delivery is harmless. A ChangeSet that travels in parts ({@link ChangeSet#part()}) is stored part by
 * part ({@code cv_inbox_part}) and counts as stored once every part is here. Stateless; the caller's transaction
 * decides durability.
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

    /** Stores one part of a ChangeSet unless it is already applied or that part is stored; says whether it stored it. */
    public boolean storePart(DSLContext ctx, ChangeSet cs, long watermark) {
        ChangeSet.Part part = cs.part().orElseThrow(() -> new IllegalArgumentException(cs.id() + " is not a part"));
        if (cs.sequence() <= watermark) {
            return false;
        }
        boolean present = ctx.fetchExists(ctx.selectOne().from(INBOX_PARTS).where(IPART_ORIGIN.eq(cs.origin().value()))
            .and(IPART_SEQ.eq(cs.sequence())).and(IPART_PART.eq(part.index())));
        if (present) {
            return false;
        }
        Integer count = ctx.select(DSL.max(IPART_PARTS)).from(INBOX_PARTS).where(IPART_ORIGIN.eq(cs.origin().value()))
            .and(IPART_SEQ.eq(cs.sequence())).fetchOne(0, Integer.class);
        if (count != null && count != part.count()) {
            // the parts of one ChangeSet disagree on how many there are: never complete, or complete with a hole
            throw new MalformedChangeSetException("ChangeSet " + cs.id() + " arrives as part " + part + " but its stored parts say "
                + count + " parts");
        }
        ctx.insertInto(INBOX_PARTS).columns(IPART_ORIGIN, IPART_SEQ, IPART_PART, IPART_PARTS, IPART_PAYLOAD)
            .values(cs.origin().value(), cs.sequence(), part.index(), part.count(), ChangeSetCodec.toJson(cs)).execute();
        return true;
    }

    /** How many parts of ChangeSet {@code sequence} of {@code origin} are stored, counting from the first without a gap. */
    public int partsStored(DSLContext ctx, NodeId origin, long sequence) {
        int through = 0;
        for (int p : ctx.select(IPART_PART).from(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.eq(sequence))
            .orderBy(IPART_PART).fetch(IPART_PART)) {
            if (p != through + 1) {
                break;
            }
            through = p;
        }
        return through;
    }

    /** If every part of ChangeSet {@code sequence} of {@code origin} is stored: how many parts it has. */
    public Optional<Integer> completeParts(DSLContext ctx, NodeId origin, long sequence) {
        var r = ctx.select(DSL.count(), DSL.max(IPART_PARTS)).from(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value()))
            .and(IPART_SEQ.eq(sequence)).fetchOne();
        return r.value1() > 0 && r.value1().equals(r.value2()) ? Optional.of(r.value2()) : Optional.empty();
    }

    /** Part {@code index} of a stored ChangeSet. */
    public ChangeSet part(DSLContext ctx, NodeId origin, long sequence, int index) {
        return ctx.select(IPART_PAYLOAD).from(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.eq(sequence))
            .and(IPART_PART.eq(index)).fetchOptional(IPART_PAYLOAD).map(ChangeSetCodec::fromJson)
            .orElseThrow(() -> new IllegalStateException("part " + index + " of " + origin + ":" + sequence + " is not stored"));
    }

    /** The highest sequence of {@code origin} such that it and every one before it is applied or stored. */
    public long storedThrough(DSLContext ctx, NodeId origin, long watermark) {
        java.util.TreeSet<Long> seqs = new java.util.TreeSet<>(ctx.select(INBOX_SEQ).from(INBOX).where(INBOX_ORIGIN.eq(origin.value()))
            .and(INBOX_SEQ.gt(watermark)).fetch(INBOX_SEQ));
        seqs.addAll(ctx.select(IPART_SEQ).from(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.gt(watermark))
            .groupBy(IPART_SEQ).having(DSL.count().eq(DSL.max(IPART_PARTS))).fetch(IPART_SEQ));
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

    /**
     * The stored whole ChangeSets of {@code origin} from sequence {@code from} on without a gap, in order: at most
     * {@code limit} of them, and no more once they hold {@code maxChanges} changes (the first is always taken). One
     * query; empty if {@code from} is not stored whole.
     */
    public List<ChangeSet> run(DSLContext ctx, NodeId origin, long from, int limit, int maxChanges) {
        List<ChangeSet> out = new java.util.ArrayList<>();
        int changes = 0;
        for (var r : ctx.select(INBOX_SEQ, INBOX_PAYLOAD).from(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.ge(from))
            .and(INBOX_SEQ.lt(from + limit)).orderBy(INBOX_SEQ).fetch()) {
            if (r.value1() != from + out.size() || (!out.isEmpty() && changes >= maxChanges)) {
                break;
            }
            ChangeSet cs = ChangeSetCodec.fromJson(r.value2());
            changes += cs.changes().size();
            out.add(cs);
        }
        return out;
    }

    /** Removes ChangeSets {@code from} to {@code through} of {@code origin} (a run applied together), whole or in parts. */
    public void removeRun(DSLContext ctx, NodeId origin, long from, long through) {
        ctx.deleteFrom(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.between(from, through)).execute();
        ctx.deleteFrom(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.between(from, through)).execute();
    }

    /** Removes ChangeSet {@code sequence} of {@code origin}, whole or every part of it. */
    public void remove(DSLContext ctx, NodeId origin, long sequence) {
        ctx.deleteFrom(INBOX).where(INBOX_ORIGIN.eq(origin.value())).and(INBOX_SEQ.eq(sequence)).execute();
        ctx.deleteFrom(INBOX_PARTS).where(IPART_ORIGIN.eq(origin.value())).and(IPART_SEQ.eq(sequence)).execute();
    }

    /** Origins that have ChangeSets (or parts of one) waiting here. */
    public List<NodeId> origins(DSLContext ctx) {
        return ctx.selectDistinct(INBOX_ORIGIN).from(INBOX).union(DSL.selectDistinct(IPART_ORIGIN).from(INBOX_PARTS))
            .fetch(0, String.class).stream().sorted().map(NodeId::of).toList();
    }

    /** How many ChangeSets wait here, counting one in parts once. */
    public int waiting(DSLContext ctx) {
        return ctx.fetchCount(INBOX) + ctx.fetchCount(DSL.selectDistinct(IPART_ORIGIN, IPART_SEQ).from(INBOX_PARTS));
    }
}
