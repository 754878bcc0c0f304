package dev.converge.catalog;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;

/**
 * The columns of a table that the database fills itself, as its {@code information_schema} describes them:
 * <ul>
 *   <li>{@code computed}: {@code GENERATED ALWAYS AS (expression)} (STORED on PostgreSQL). Replicated in row images
 *       (conflict records show them), but never written: the target computes them from the columns that are.</li>
 *   <li>{@code identities}: identity columns, and on PostgreSQL {@code serial} columns (a {@code nextval} default).
 *       Written with the origin's value; the target's generator is then moved past it, so its own next row does
 *       not take a number that already arrived.</li>
 *   <li>{@code alwaysIdentities}: the {@code GENERATED ALWAYS} ones among them, which an insert may set only with
 *       {@code OVERRIDING SYSTEM VALUE} and an update never.</li>
 * </ul>
 * Column names as the database spells them. Immutable.
 */
public record Generated(Set<String> computed, Set<String> identities, Set<String> alwaysIdentities) {
    public static final Generated NONE = new Generated(Set.of(), Set.of(), Set.of());

    public Generated {
        computed = Set.copyOf(computed);
        identities = Set.copyOf(identities);
        alwaysIdentities = Set.copyOf(alwaysIdentities);
    }

    /** Reads them for one table (H2 and PostgreSQL both have these standard columns). Works in the caller's transaction. */
    static Generated read(DSLContext ctx, String schema, String table) {
        Field<String> column = field(unquotedName("column_name"), String.class);
        Field<String> isIdentity = field(unquotedName("is_identity"), String.class);
        Field<String> generation = field(unquotedName("identity_generation"), String.class);
        Field<String> isGenerated = field(unquotedName("is_generated"), String.class);
        Field<String> columnDefault = field(unquotedName("column_default"), String.class);
        Set<String> computed = new LinkedHashSet<>();
        Set<String> identities = new LinkedHashSet<>();
        Set<String> always = new LinkedHashSet<>();
        for (Record r : ctx.select(column, isIdentity, generation, isGenerated, columnDefault)
            .from(table(unquotedName("information_schema", "columns")))
            .where(field(unquotedName("table_schema"), String.class).eq(schema))
            .and(field(unquotedName("table_name"), String.class).eq(table)).fetch()) {
            String name = r.get(column);
            if ("ALWAYS".equalsIgnoreCase(r.get(isGenerated))) {
                computed.add(name);
            } else if ("YES".equalsIgnoreCase(r.get(isIdentity))) {
                identities.add(name);
                if ("ALWAYS".equalsIgnoreCase(r.get(generation))) {
                    always.add(name);
                }
            } else if (r.get(columnDefault) != null && r.get(columnDefault).toLowerCase(Locale.ROOT).startsWith("nextval(")) {
                identities.add(name); // a PostgreSQL serial: the same problem as BY DEFAULT identity
            }
        }
        return new Generated(computed, identities, always);
    }
}
