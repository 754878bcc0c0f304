package dev.converge.capture;

import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.name;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.GeneratedNames;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * H2: makes {@code TRUNCATE} of a replicated table fail, since H2 has no TRUNCATE trigger and TRUNCATE fires no row
 * trigger, so capture would never see it and the peers would silently diverge. H2 refuses to truncate a table that
 * another table's foreign key references; the guard is such a table, always empty
 * ({@code cv_notrunc_<table>}, its key columns referencing the table's primary key). TRUNCATE then fails with H2's
 * error 90106 ({@code Cannot truncate "PUBLIC.<table>"}); DELETE is unaffected (an empty referencing table never
 * blocks it). PostgreSQL refuses TRUNCATE with its own message instead (a {@code BEFORE TRUNCATE} trigger, see
 * {@link PostgresCapture#refuseTruncate}).
 *
 * <p>Confined to the installing transaction.
 */
final class TruncateGuard {
    private TruncateGuard() {
    }

    static void install(DSLContext ctx, BoundTable t) {
        List<Field<?>> columns = t.keyFields().stream().<Field<?>>map(f -> DSL.field(name(f.getName()), f.getDataType().nullable(true))).toList();
        ctx.createTableIfNotExists(name(GeneratedNames.h2TruncateGuard(t.name()))).columns(columns)
            .constraints(constraint(name(GeneratedNames.h2TruncateGuardKey(t.name()))).foreignKey(columns)
                .references(t.table(), t.keyFields().stream().<Field<?>>map(f -> DSL.field(name(f.getName()))).toList()))
            .execute();
    }

    static void remove(DSLContext ctx, String table) {
        ctx.dropTableIfExists(name(GeneratedNames.h2TruncateGuard(table))).execute();
    }
}
