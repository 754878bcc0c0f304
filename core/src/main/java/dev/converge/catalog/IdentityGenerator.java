package dev.converge.catalog;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The generator behind one identity column (and on PostgreSQL a {@code serial} column's sequence): what it hands out
 * next and by how much it steps, read and moved in the dialect's own terms. The one place that knows how, for the
 * apply (which moves a generator past the values that arrived) and for key allocation at open (which gives a node its
 * own class of numbers).
 *
 * <p>PostgreSQL: the column's sequence ({@code pg_get_serial_sequence}), read from {@code pg_sequence} and
 * {@code pg_sequence_last_value}, moved with {@code setval} (not transactional: a rolled-back apply only skips numbers)
 * and {@code ALTER SEQUENCE}; needs {@code UPDATE} on the sequence, and ownership of it to change its step. H2: the
 * column's {@code IDENTITY_BASE} and {@code IDENTITY_INCREMENT}, moved with {@code ALTER TABLE ... ALTER COLUMN}
 * (which on H2 does not commit the caller's transaction).
 *
 * <p>Stateless; works in the caller's transaction.
 */
public final class IdentityGenerator {
    private IdentityGenerator() {
    }

    /**
     * Where a generator stands.
     *
     * @param next the value its next use hands out
     * @param increment its step (negative for a descending one)
     */
    public record State(long next, long increment) {
    }

    /** The generator of {@code column} in {@code t}; empty if the column has none (or it cannot be read). */
    public static Optional<State> read(DSLContext ctx, BoundTable t, String column) {
        if (postgres(ctx)) {
            Field<Object> seq = sequence(ctx, t, column);
            Field<Long> increment = field(unquotedName("seqincrement"), Long.class);
            Field<Long> start = field(unquotedName("seqstart"), Long.class);
            Field<Long> last = DSL.function("pg_sequence_last_value", Long.class, seq);
            Record r = ctx.select(increment, start, last).from(table(unquotedName("pg_catalog", "pg_sequence")))
                .where(field(unquotedName("seqrelid")).eq(seq)).fetchOne();
            if (r == null) {
                return Optional.empty();
            }
            long inc = r.get(increment);
            Long l = r.get(last);
            return Optional.of(new State(l == null ? r.get(start) : l + inc, inc));
        }
        Field<Long> base = field(unquotedName("identity_base"), Long.class);
        Field<Long> increment = field(unquotedName("identity_increment"), Long.class);
        Record r = ctx.select(base, increment).from(table(unquotedName("information_schema", "columns")))
            .where(field(unquotedName("table_schema"), String.class).eq(DSL.field("schema()", String.class)))
            .and(field(unquotedName("table_name"), String.class).eq(t.table().getName()))
            .and(field(unquotedName("column_name"), String.class).eq(column)).fetchOne();
        if (r == null || r.get(base) == null || r.get(increment) == null) {
            return Optional.empty();
        }
        return Optional.of(new State(r.get(base), r.get(increment)));
    }

    /** Makes the generator hand out {@code next} next, keeping its step. */
    public static void restart(DSLContext ctx, BoundTable t, String column, long next) {
        if (postgres(ctx)) {
            ctx.select(DSL.function("setval", Long.class, sequence(ctx, t, column), DSL.val(next), DSL.inline(false))).fetch();
        } else {
            ctx.query("alter table {0} alter column {1} restart with {2}", t.table(), name(column), DSL.inline(next)).execute();
        }
    }

    /** Makes the generator step by {@code increment} and hand out {@code next} next. */
    public static void reallocate(DSLContext ctx, BoundTable t, String column, long increment, long next) {
        if (postgres(ctx)) {
            Record r = ctx.select(field(unquotedName("n", "nspname"), String.class), field(unquotedName("c", "relname"), String.class))
                .from(table(unquotedName("pg_catalog", "pg_class")).as("c"))
                .join(table(unquotedName("pg_catalog", "pg_namespace")).as("n"))
                .on(field(unquotedName("n", "oid")).eq(field(unquotedName("c", "relnamespace"))))
                .where(field(unquotedName("c", "oid")).eq(sequence(ctx, t, column))).fetchOne();
            ctx.alterSequence(name(r.get(0, String.class), r.get(1, String.class))).incrementBy(increment).restartWith(next).execute();
        } else {
            ctx.query("alter table {0} alter column {1} set increment by {2}", t.table(), name(column), DSL.inline(increment)).execute();
            restart(ctx, t, column, next);
        }
    }

    private static Field<Object> sequence(DSLContext ctx, BoundTable t, String column) {
        Field<String> name = DSL.function("pg_get_serial_sequence", String.class, DSL.val(ctx.render(t.table())), DSL.val(column));
        return DSL.field("{0}::regclass", Object.class, name);
    }

    private static boolean postgres(DSLContext ctx) {
        return ctx.dialect().family() == SQLDialect.POSTGRES;
    }
}
