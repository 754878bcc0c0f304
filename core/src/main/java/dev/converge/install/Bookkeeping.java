package dev.converge.install;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.name;

import org.jooq.DSLContext;

/**
 * What the trimming of Converge's bookkeeping needs in the database (see {@code queue.History}): the purge marks and
 * the indexes its look-ups use; and the tables through which large transactions stream (the spooled net effect at
 * the origin, stored parts at the target). Created only if missing, so installing again (and upgrading an older install) is
 * harmless. The other look-ups are served by the tables' own keys: {@code cv_outbox_tx} by {@code seq} (primary key)
 * and {@code tx_key} (unique), {@code cv_outbox} by {@code tx_key} ({@code cv_outbox_tx_idx}), {@code cv_inbox} by
 * {@code (origin, seq)} (primary key). Stateless; works in the caller's transaction.
 */
public final class Bookkeeping {
    private Bookkeeping() {
    }

    /** Creates what is missing; runs in the installer's transaction, after the other {@code cv_*} tables. */
    public static void create(DSLContext ctx) {
        ctx.createTableIfNotExists(PURGE_MARKS).columns(PM_WHAT, PM_TABLE, PM_ORIGIN, PM_MARK)
            .constraints(constraint(name("cv_purge_mark_pk")).primaryKey(PM_WHAT, PM_TABLE, PM_ORIGIN)).execute();
        // dependencies read the log up to an applied count; trimming reads it up to its new floor
        ctx.createIndexIfNotExists(name("cv_applied_log_n")).on(APPLIED_LOG, ALOG_N).execute();
        // large transactions: their net effect spooled at the origin, their parts stored at the target
        ctx.createTableIfNotExists(SPOOL).columns(SPOOL_TX, SPOOL_TABLE, SPOOL_KEY, SPOOL_SEEN, SPOOL_FIRST, SPOOL_LAST, SPOOL_ANCHOR)
            .constraints(constraint(name("cv_outbox_net_pk")).primaryKey(SPOOL_TX, SPOOL_TABLE, SPOOL_KEY)).execute();
        ctx.createIndexIfNotExists(name("cv_outbox_net_order")).on(SPOOL, SPOOL_TX, SPOOL_ANCHOR, SPOOL_SEEN).execute();
        // the conflict list (ConflictStore.page): filtered by status or table, sorted by table or type, in id order
        ctx.createIndexIfNotExists(name("cv_conflict_status")).on(CONFLICTS, C_STATUS, C_ID).execute();
        ctx.createIndexIfNotExists(name("cv_conflict_tbl")).on(CONFLICTS, C_TABLE, C_ID).execute();
        ctx.createIndexIfNotExists(name("cv_conflict_type")).on(CONFLICTS, C_TYPE, C_ID).execute();
        ctx.createTableIfNotExists(SPOOLED).columns(SPOOLED_TX, SPOOLED_ROWS)
            .constraints(constraint(name("cv_outbox_spooled_pk")).primaryKey(SPOOLED_TX)).execute();
        ctx.createTableIfNotExists(INBOX_PARTS).columns(IPART_ORIGIN, IPART_SEQ, IPART_PART, IPART_PARTS, IPART_PAYLOAD)
            .constraints(constraint(name("cv_inbox_part_pk")).primaryKey(IPART_ORIGIN, IPART_SEQ, IPART_PART)).execute();
    }
}
