package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.model.Change;
import dev.converge.model.ChangeSetCodec;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Removes the row an incoming change wrote when that change lost a constraint conflict (a unique collision, or a child
 * whose parent a later write deleted), leaving a tombstone with the change's image, stamped as the peers that removed
 * it stamp it: a unique collision's loser with its own write's version (the winner's side removes it as that write),
 * a child of a deleted parent with the delete's (the parent's side removes it with its parent). Every peer stamps it
 * alike, so later writes of the row are judged alike everywhere. In the apply transaction; stateless.
 */
final class LosingRow {
    private static final JdbcShadowStore SHADOWS = new JdbcShadowStore();

    private LosingRow() {
    }

    /** Deletes {@code c}'s row (if it is here) and writes its tombstone stamped {@code ts}, {@code origin}, {@code sequence}. */
    static void remove(Connection connection, DSLContext ctx, BoundTable t, Change c, long ts, String origin, long sequence) throws SQLException {
        remove(connection, ctx, t, c, RowVersion.tombstone(t.typedKey(c.key()), ts, origin, sequence,
            ChangeSetCodec.imageToJson(c.after().orElseThrow())));
    }

    /**
     * Deletes {@code c}'s row (if it is here) and writes {@code written} — the version the change would have left,
     * lineage included — as its tombstone: a unique collision's loser, removed here as the winner's side removes it.
     */
    static void remove(Connection connection, DSLContext ctx, BoundTable t, Change c, RowVersion written) throws SQLException {
        remove(connection, ctx, t, c, List.of(written.asTombstone(ChangeSetCodec.imageToJson(c.after().orElseThrow()))));
    }

    private static void remove(Connection connection, DSLContext ctx, BoundTable t, Change c, List<RowVersion> tombstone) throws SQLException {
        new RowWriter(connection, ctx).execute(List.of(new RowWriter.DeleteRow(t, c.key())));
        SHADOWS.write(ctx, t.shadow(), tombstone);
    }
}
