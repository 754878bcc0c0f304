package dev.converge.catalog;

import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;

import java.util.List;
import org.jooq.DSLContext;

/**
 * The SQL that makes a PostgreSQL row into its row image's JSON: what capture writes for every changed row and what
 * {@link RowReader} reads local rows through, so both give the same text for the same value. Stateless; thread-safe.
 */
public final class PostgresImages {
    private PostgresImages() {
    }

    /**
     * The row of table {@code t} named {@code alias} (already quoted) as JSON. A json or jsonb column would be embedded as a JSON value, and a
     * scalar one ({@code "text"}, {@code 5}, {@code null}) would then be indistinguishable from a plain value: such
     * columns are written as their JSON text instead, which the apply engine binds back to the column as JSON.
     */
    public static String json(DSLContext ctx, BoundTable t, String alias) {
        String row = alias;
        List<String> json = t.fieldsByName().entrySet().stream().filter(e -> e.getValue().getDataType().isJSON())
            .map(e -> ctx.render(inline(e.getKey())) + ", " + row + "." + ctx.render(name(e.getKey())) + "::text").toList();
        return json.isEmpty() ? "row_to_json(" + row + ".*)"
            : "(to_jsonb(" + row + ".*) || jsonb_build_object(" + String.join(", ", json) + "))";
    }
}
