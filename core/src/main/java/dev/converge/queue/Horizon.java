package dev.converge.queue;

import static dev.converge.install.MetaTables.*;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.jooq.DSLContext;

/**
 * What every peer has seen, per table and origin: the highest sequence of the origin that every ChangeSet still to
 * come from any peer depends on — the horizon tombstones are purged by ({@link History}), as its last purge recorded
 * it ({@code cv_purge_mark}, kind {@code seen}). Writes at or below it are in the history of everything that can still
 * arrive, which is what lets a row's lineage forget them ({@code dev.converge.shadow.Lineage#trimmed}).
 *
 * <p>A horizon read earlier is never wrong, only lower: the marks never move back. One read per table serves a whole
 * transaction (the {@link DSLContext} it is asked with), not longer: a hot row is rewritten many times a second, and
 * every write it keeps because of a stale horizon stays in its version until the row is written again. A node
 * without peers has nothing to wait for: every write is below its horizon. Thread-safe.
 */
public final class Horizon {
    private final boolean alone;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    /** A table's horizon as read in the transaction of {@code ctx} (compared by identity). */
    private record Reading(DSLContext ctx, Map<String, Long> seen) {
    }

    /** @param alone whether the node has no peers */
    public Horizon(boolean alone) {
        this.alone = alone;
    }

    /** Per origin, the horizon of {@code table}'s rows (0 for an origin no purge has covered yet). */
    public ToLongFunction<String> of(DSLContext ctx, String table) {
        if (alone) {
            return origin -> Long.MAX_VALUE;
        }
        Reading r = readings.get(table);
        if (r == null || r.ctx != ctx) {
            Map<String, Long> seen = new HashMap<>();
            ctx.select(PM_ORIGIN, PM_MARK).from(PURGE_MARKS).where(PM_WHAT.eq(PurgeMarks.SEEN)).and(PM_TABLE.eq(table)).fetch()
                .forEach(x -> seen.put(x.value1(), x.value2()));
            r = new Reading(ctx, Map.copyOf(seen));
            readings.put(table, r);
        }
        Map<String, Long> seen = r.seen;
        return origin -> seen.getOrDefault(origin, 0L);
    }
}
