package dev.converge.queue;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.max;

import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * The applied log ({@code cv_applied_log}): per applied ChangeSet its origin, sequence and applied count {@code n},
 * the order in which this node applied what it received. A local transaction captured when the applied count was
 * {@code N} depends, per origin, on the highest sequence applied by then: the last entry of that origin with
 * {@code n <= N} (an origin's entries are applied in sequence order).
 *
 * <p><b>Trimming.</b> Below the floor {@code F} the log keeps only each origin's last entry, a summary that answers
 * every {@code N >= F} exactly. A transaction captured below the floor is one that was still open when the floor was
 * set, or that committed while the trim that set it ran (every one committed before that trim's sequencing began is
 * sequenced before the floor moves, see {@link History}; {@code F} is the count the trim before saw, so every
 * ChangeSet below it was applied before either kind committed); it gets the dependencies as of
 * {@code F}: more than it saw, but only ChangeSets that were applied here before it committed and that wrote none of
 * its rows — one that had, would have waited for its row locks, and it would then have been sequenced first. Claiming
 * such a ChangeSet never hides a conflict (those are judged per row), never lets a tombstone go early (a change of the
 * deleted row by this transaction would have been sequenced before the delete applied), and a peer only waits
 * until it has applied what this node had.
 */
final class AppliedLog {
    private AppliedLog() {
    }

    /**
     * For each of these applied counts (a sequencing pass's transactions), per origin the highest sequence applied here
     * when the applied count was that (or the floor, if higher). Two queries however many counts there are: each
     * origin's last entry up to the smallest count, then the entries between the smallest and the largest, folded in
     * count order. One query per transaction cost more than the rest of
     * sequencing a small transaction.
     */
    static Map<Long, Map<String, Long>> dependencies(DSLContext ctx, java.util.Collection<Long> appliedNs) {
        Map<Long, Map<String, Long>> out = new java.util.HashMap<>();
        if (appliedNs.isEmpty()) {
            return out;
        }
        long floor = PurgeMarks.read(ctx, PurgeMarks.LOG_FLOOR);
        java.util.TreeSet<Long> through = new java.util.TreeSet<>();
        appliedNs.forEach(n -> through.add(Math.max(n, floor)));
        Map<String, Long> deps = new TreeMap<>();
        long first = through.first();
        if (first > 0) {
            ctx.select(ALOG_ORIGIN, max(ALOG_SEQ)).from(APPLIED_LOG).where(ALOG_N.le(first)).groupBy(ALOG_ORIGIN)
                .fetch().forEach(r -> deps.put(r.value1(), r.value2()));
        }
        Map<Long, Map<String, Long>> byThrough = new java.util.HashMap<>();
        byThrough.put(first, new TreeMap<>(deps));
        if (through.size() > 1) {
            var later = ctx.select(ALOG_ORIGIN, ALOG_SEQ, ALOG_N).from(APPLIED_LOG).where(ALOG_N.gt(first)).and(ALOG_N.le(through.last()))
                .orderBy(ALOG_N).fetch();
            int i = 0;
            for (long n : through.tailSet(first, false)) {
                for (; i < later.size() && later.get(i).value3() <= n; i++) {
                    deps.merge(later.get(i).value1(), later.get(i).value2(), Math::max);
                }
                byThrough.put(n, new TreeMap<>(deps));
            }
        }
        appliedNs.forEach(n -> out.put(n, byThrough.get(Math.max(n, floor))));
        return out;
    }

    /**
     * Summarises the log through applied count {@code floor}: of the entries with {@code n <= floor} only each
     * origin's last stays. Reads the entries with {@code n <= floor} (the summaries of the previous trim and what came
     * since) by the {@code applied_n} index and deletes per origin by the primary key; returns how many went.
     */
    static int trim(DSLContext ctx, long floor) {
        Map<String, Long> last = new TreeMap<>();
        ctx.select(ALOG_ORIGIN, max(ALOG_SEQ)).from(APPLIED_LOG).where(ALOG_N.le(floor)).groupBy(ALOG_ORIGIN)
            .fetch().forEach(r -> last.put(r.value1(), r.value2()));
        int removed = 0;
        for (Map.Entry<String, Long> e : last.entrySet()) {
            removed += ctx.deleteFrom(APPLIED_LOG).where(ALOG_ORIGIN.eq(e.getKey())).and(ALOG_SEQ.lt(e.getValue())).execute();
        }
        return removed;
    }
}
