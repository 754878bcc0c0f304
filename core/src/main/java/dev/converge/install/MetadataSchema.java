package dev.converge.install;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.name;

import java.util.OptionalInt;
import org.jooq.DSLContext;

/**
 * The version of Converge's metadata tables in a database ({@code cv_schema}), so that a newer Converge upgrades an
 * older install and an older Converge refuses a newer one instead of misreading it.
 *
 * <p>Versions: 1 — installs made before the version was recorded (they have {@code cv_clock} but no
 * {@code cv_schema}); 2 — the version was recorded, conflicts carry manual decisions and are indexed for the conflict
 * list; 3 — {@code cv_outbox_tx} counts each transaction's captured rows (and their running total), {@code cv_peer}
 * holds a peer's resync mark (set here, or told by the peer) and its departure; 4 — {@code cv_relay} keeps other
 * origins' ChangeSets applied here until every peer has them, for relaying a departed origin's; 5 — capture
 * registers each transaction in {@code cv_unsequenced} until it is sequenced. 6 — the sequencer locks {@code cv_sequencer} and keeps its
 * floor there, not on {@code cv_clock} (an older build would sequence without that lock and below that floor). Upgrading is what installing does anyway: every table, column and index is created only if missing (see
 * {@code capture.Installer}), so installing over an older version brings it to {@link #CURRENT}; a step that cannot be
 * expressed so gets its own migration here, keyed by the version it leaves. Stateless; in the caller's transaction.
 */
public final class MetadataSchema {
    /** The version this build installs and reads. */
    public static final int CURRENT = 6;

    private MetadataSchema() {
    }

    /** The version installed, or empty if Converge is not installed (no {@code cv_clock}). */
    public static OptionalInt installed(DSLContext ctx) {
        // looked up in the catalog, not by querying and catching: on PostgreSQL a failed statement aborts the transaction
        if (exists(ctx, SCHEMA.getName())) {
            Integer v = ctx.select(SCHEMA_VERSION).from(SCHEMA).where(SCHEMA_ID.eq(1)).fetchOne(SCHEMA_VERSION);
            if (v != null) {
                return OptionalInt.of(v);
            }
        }
        // an install from before the version was kept, or none: the clock table tells
        return exists(ctx, CLOCK.getName()) ? OptionalInt.of(1) : OptionalInt.empty();
    }

    private static boolean exists(DSLContext ctx, String table) {
        return ctx.meta().getTables(table).stream().anyMatch(t -> t.getName().equals(table));
    }

    /**
     * Refuses a database installed by a newer Converge: its tables may mean what this build does not know, and writing
     * to them could corrupt them.
     *
     * @throws IllegalStateException saying which versions meet
     */
    public static void requireKnown(OptionalInt installed) {
        if (installed.isPresent() && installed.getAsInt() > CURRENT) {
            throw new IllegalStateException("this database's Converge metadata is version " + installed.getAsInt()
                + ", written by a newer Converge; this build knows versions up to " + CURRENT
                + ": run the newer Converge (nothing was changed)");
        }
    }

    /** Records that the tables are now at {@link #CURRENT} (after installing, which created or upgraded them). */
    public static void record(DSLContext ctx) {
        ctx.createTableIfNotExists(SCHEMA).columns(SCHEMA_ID, SCHEMA_VERSION)
            .constraints(constraint(name("cv_schema_pk")).primaryKey(SCHEMA_ID)).execute();
        if (ctx.update(SCHEMA).set(SCHEMA_VERSION, CURRENT).where(SCHEMA_ID.eq(1)).execute() == 0) {
            ctx.insertInto(SCHEMA).columns(SCHEMA_ID, SCHEMA_VERSION).values(1, CURRENT).execute();
        }
    }
}
