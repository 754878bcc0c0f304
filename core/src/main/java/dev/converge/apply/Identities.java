package dev.converge.apply;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import dev.converge.catalog.BoundTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Moves the target's identity generators past the values that arrived. Rows arrive with their origin's identity
 * values; without this, the target's own next insert would be handed a number that is already taken (both H2 and
 * PostgreSQL keep an identity's generator apart from the values written into the column). One statement per table
 * and identity column that an apply inserted into, with the greatest value it inserted; the generator only ever moves
 * forward (ascending identities; a descending one is left alone).
 *
 * <p>PostgreSQL: {@code setval} on the column's sequence (identity or {@code serial}), only if it is behind; needs
 * {@code UPDATE} on the sequence. Sequences are not transactional: a rolled-back apply leaves the sequence moved, which
 * only skips numbers. H2: {@code ALTER TABLE ... ALTER COLUMN ... RESTART WITH}, which on H2 does not commit the
 * apply's transaction, only if the column's {@code IDENTITY_BASE} (its next value) is not past the value already.
 *
 * <p>Stateless; confined to the apply transaction.
 */
final class Identities {
    private Identities() {
    }

    /** Advances past the identity values of {@code inserted} (rows written by this apply). */
    static void advance(DSLContext ctx, List<RowWriter.InsertRow> inserted) {
        Map<BoundTable, Map<String, Long>> greatest = new LinkedHashMap<>();
        for (RowWriter.InsertRow i : inserted) {
            for (String column : i.table().generated().identities()) {
                if (i.row().get(column) instanceof Number n) {
                    greatest.computeIfAbsent(i.table(), t -> new LinkedHashMap<>()).merge(column, n.longValue(), Math::max);
                }
            }
        }
        greatest.forEach((t, columns) -> columns.forEach((column, value) -> advance(ctx, t, column, value)));
    }

    private static void advance(DSLContext ctx, BoundTable t, String column, long value) {
        if (ctx.dialect().family() == SQLDialect.POSTGRES) {
            Field<String> sequence = DSL.function("pg_get_serial_sequence", String.class, DSL.val(ctx.render(t.table())), DSL.val(column));
            Field<Object> regclass = DSL.field("{0}::regclass", Object.class, sequence);
            ctx.select(DSL.function("setval", Long.class, regclass, DSL.val(value)))
                .where(DSL.val(value).gt(DSL.coalesce(DSL.function("pg_sequence_last_value", Long.class, regclass), DSL.inline(0L))))
                .fetch();
            return;
        }
        Long base = ctx.select(field(unquotedName("identity_base"), Long.class))
            .from(table(unquotedName("information_schema", "columns")))
            .where(field(unquotedName("table_schema"), String.class).eq(DSL.field("schema()", String.class)))
            .and(field(unquotedName("table_name"), String.class).eq(t.table().getName()))
            .and(field(unquotedName("column_name"), String.class).eq(column)).fetchOne(0, Long.class);
        if (base != null && base <= value) {
            ctx.query("alter table {0} alter column {1} restart with {2}", t.table(), name(column), DSL.inline(value + 1)).execute();
        }
    }
}
