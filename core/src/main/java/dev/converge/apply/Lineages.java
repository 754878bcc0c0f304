package dev.converge.apply;

import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Fork;
import dev.converge.conflict.Stamp;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.shadow.Lineage;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The lineage a row's version keeps for a resolver that compares histories ({@link Lineage}), on the apply side: the
 * {@link Fork} a conflict offers, reconstructed from the row's lineage and the incoming ChangeSet's dependencies, and
 * the lineage a row has once an incoming change was judged — whatever the outcome, for a write that lost here is still
 * in the history of every later write of this node. Pure; thread-safe.
 */
final class Lineages {
    private Lineages() {
    }

    /** The incoming change of {@code cs} as a write of the row's lineage. */
    static Lineage.Entry entry(ChangeSet cs, Change c) {
        return new Lineage.Entry(cs.origin().value(), cs.sequence(), c.timestamp().asLong(), c.after().isEmpty());
    }

    /** The history vector of the incoming write: its origin through its sequence, and its dependencies. */
    static Map<String, Long> history(ChangeSet cs) {
        return Lineage.history(cs.origin().value(), cs.sequence(), LocalRows.dependencies(cs));
    }

    /**
     * The writes each side made since the fork: the local content's history is what the row's lineage says it holds,
     * the incoming write's is the write and what its dependencies cover — every write of it but itself was applied
     * here before it (a ChangeSet is applied after its dependencies), so the row's lineage lists it, or it is below
     * the horizon and on both sides.
     */
    static Fork fork(Optional<RowVersion> version, ChangeSet cs, Change c, ToIntFunction<String> priority) {
        Lineage local = Lineage.of(version);
        Map<String, Long> incoming = history(cs);
        List<Fork.Written> mine = new ArrayList<>();
        List<Fork.Written> theirs = new ArrayList<>();
        Lineage.Entry w = entry(cs, c);
        theirs.add(written(w, priority));
        for (Lineage.Entry e : local.writes()) {
            if (e.origin().equals(w.origin()) && e.sequence() == w.sequence()) {
                continue;
            }
            boolean here = local.holds(e.origin(), e.sequence());
            boolean there = Lineage.holds(incoming, e.origin(), e.sequence());
            if (here && !there) {
                mine.add(written(e, priority));
            } else if (there && !here) {
                theirs.add(written(e, priority));
            }
        }
        return new Fork(mine, theirs);
    }

    private static Fork.Written written(Lineage.Entry e, ToIntFunction<String> priority) {
        return new Fork.Written(Stamp.of(HybridTimestamp.fromLong(e.timestamp()), NodeId.of(e.origin()), e.sequence()), e.deleted(),
            priority.applyAsInt(e.origin()));
    }

    /**
     * The version the row keeps once the incoming change {@code c} of {@code cs} was judged: {@code planned} (what the
     * plan records: the incoming write's version when it became the content, a merge, or nothing when the content
     * stayed) with the lineage after it — the write joins the writes applied here, and the content's history is the
     * incoming write's, the join of both (a merge) or stays. Empty only when there is nothing to keep a lineage in (no
     * version here and none planned).
     */
    static Optional<RowVersion> after(Optional<RowVersion> planned, Optional<RowVersion> local, ChangeSet cs, Change c,
                                      ToLongFunction<String> horizon) {
        Lineage before = Lineage.of(local);
        Lineage.Entry w = entry(cs, c);
        Map<String, Long> incoming = history(cs);
        if (planned.isEmpty()) {
            return local.map(v -> v.withLineage(before.after(w, before.seen()).trimmed(horizon)));
        }
        RowVersion v = planned.get();
        boolean replaced = v.concurrent().isEmpty() && v.origin().equals(w.origin()) && v.originSequence().equals(Optional.of(w.sequence()));
        Map<String, Long> seen = replaced ? incoming : join(before.seen(), incoming);
        return Optional.of(v.withLineage(before.after(w, seen).trimmed(horizon)));
    }

    /** A delete's write as its tombstone {@code tomb} names it. */
    static Lineage.Entry deleteOf(RowVersion tomb) {
        return new Lineage.Entry(tomb.origin(), tomb.originSequence().orElse(0L), tomb.timestamp(), true);
    }

    /**
     * The history vector of the delete {@code tomb} names: its lineage's content history if its table keeps one, else
     * the delete alone — the same on every peer, whichever side of a foreign-key conflict it was met on.
     */
    static Map<String, Long> deleteHistory(RowVersion tomb) {
        return Lineage.history(tomb.origin(), tomb.originSequence().orElse(0L), tomb.lineage().seen());
    }

    /**
     * The lineage of a row a parent's delete reached without writing it — a child removed with the parent, or kept
     * out for it: the delete joins the row's writes and its history the content's, for the tombstone holds both. The
     * same on the peer that removed the row and on one where the row's write came after the delete.
     */
    static Lineage reached(Lineage before, Lineage.Entry delete, Map<String, Long> deleteHistory, ToLongFunction<String> horizon) {
        Lineage joined = before.writes().contains(delete) ? before : before.after(delete, before.seen());
        return new Lineage(join(joined.seen(), deleteHistory), joined.writes()).trimmed(horizon);
    }

    /**
     * The lineage of a row brought back when the delete that reached it lost ({@code lineage}, its tombstone's): the
     * writes stay; the content is the row's own write again ({@code origin}, {@code sequence}), so its history is the
     * tombstone's without the delete, and with that write — which a write that lost to the tombstone itself (an update
     * after the row had gone) did not join to it.
     */
    static Lineage restored(Lineage lineage, Lineage.Entry delete, String origin, long sequence) {
        Map<String, Long> seen = new TreeMap<>(lineage.seen());
        seen.computeIfPresent(delete.origin(), (o, s) -> Math.min(s, delete.sequence() - 1));
        seen.merge(origin, sequence, Math::max);
        return new Lineage(seen, lineage.writes());
    }

    private static Map<String, Long> join(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> out = new TreeMap<>(a);
        b.forEach((o, s) -> out.merge(o, s, Math::max));
        return out;
    }
}
