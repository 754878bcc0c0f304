package dev.converge.queue;

import static dev.converge.install.MetaTables.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The purge marks ({@code cv_purge_mark}) as read at the start of one purge, written back as they move: how far each
 * kind of bookkeeping has been trimmed, so that the next purge starts there. A mark never read is 0. Used inside
 * one transaction only.
 */
final class PurgeMarks {
    /** The acknowledgement horizon through which captured rows and sequence rows are gone. */
    static final String OUTBOX = "outbox";
    /** The applied count below which the applied log holds only each origin's last entry. */
    static final String LOG_FLOOR = "log-floor";
    /** The applied count when the log was last trimmed: the next floor (one trim behind, see {@link History}). */
    static final String LOG_NEXT = "log-next";
    /** Per table and origin: tombstones of that origin through this sequence are gone, unless younger than the grace. */
    static final String SEEN = "seen";
    /** Per table: tombstones older than this (packed hybrid timestamp) are gone, if their origin's mark covers them. */
    static final String GRACE = "grace";
    /** 1 once versions naming a local transaction were given its sequence (installs before versions carried one). */
    static final String ADOPTED = "adopted";

    private final Map<List<String>, Long> marks = new HashMap<>();

    private PurgeMarks() {
    }

    static PurgeMarks read(DSLContext ctx) {
        PurgeMarks m = new PurgeMarks();
        ctx.select(PM_WHAT, PM_TABLE, PM_ORIGIN, PM_MARK).from(PURGE_MARKS).fetch()
            .forEach(r -> m.marks.put(List.of(r.value1(), r.value2(), r.value3()), r.value4()));
        return m;
    }

    /** One mark without a table or origin, read on its own. */
    static long read(DSLContext ctx, String what) {
        Long mark = ctx.select(PM_MARK).from(PURGE_MARKS).where(PM_WHAT.eq(what)).and(PM_TABLE.eq("")).and(PM_ORIGIN.eq(""))
            .fetchOne(PM_MARK);
        return mark == null ? 0 : mark;
    }

    long get(String what) {
        return get(what, "", "");
    }

    long get(String what, String table, String origin) {
        return marks.getOrDefault(List.of(what, table, origin), 0L);
    }

    void set(DSLContext ctx, String what, long mark) {
        set(ctx, what, "", "", mark);
    }

    void set(DSLContext ctx, String what, String table, String origin, long mark) {
        List<String> key = List.of(what, table, origin);
        Long before = marks.put(key, mark);
        if (before != null && before == mark) {
            return;
        }
        int n = before == null ? 0 : ctx.update(PURGE_MARKS).set(PM_MARK, mark)
            .where(PM_WHAT.eq(what)).and(PM_TABLE.eq(table)).and(PM_ORIGIN.eq(origin)).execute();
        if (n == 0) {
            ctx.insertInto(PURGE_MARKS).columns(PM_WHAT, PM_TABLE, PM_ORIGIN, PM_MARK).values(what, table, origin, mark).execute();
        }
    }
}
