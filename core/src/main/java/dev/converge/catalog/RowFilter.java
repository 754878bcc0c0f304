package dev.converge.catalog;

import dev.converge.config.ConfigError;
import dev.converge.dialect.Savepoints;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A row filter (configuration: an SQL boolean expression over a row of the table) as every part of Converge
 * evaluates it, written in one place so that validation runs what capture and reads will run.
 *
 * <p>The row the filter sees is always named like the table itself, so that a filter may qualify its columns with the
 * table's name ({@code pers.jud = 'MS'}) as it would in a query on the table: the H2 capture trigger evaluates it over
 * {@code (VALUES (?, ...)) AS "pers"(columns)}, the PostgreSQL capture trigger over its transition table aliased
 * {@code "pers"}, and reads over the table itself. Any other qualifier (a schema, an alias, another table) is refused
 * when the node opens, because capture could not evaluate it. A NULL verdict counts as false everywhere.
 */
public final class RowFilter {
    private RowFilter() {
    }

    /**
     * The H2 capture trigger's query: one row, TRUE when the row bound to the parameters (one per column, in the
     * table's column order) matches {@code filter}.
     */
    public static String h2Query(String table, List<String> columns, String filter) {
        StringBuilder params = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            params.append(i == 0 ? "?" : ", ?");
            names.append(i == 0 ? "" : ", ").append(quote(SQLDialect.H2, columns.get(i)));
        }
        return "SELECT CASE WHEN (" + filter + ") THEN TRUE ELSE FALSE END FROM (VALUES (" + params + ")) AS "
            + quote(SQLDialect.H2, table) + "(" + names + ")";
    }

    /** The PostgreSQL capture trigger's verdict, to be evaluated over a row source aliased {@link #rowAlias}. */
    public static String postgresVerdict(String filter) {
        return "coalesce((" + filter + "), false)";
    }

    /** The name a row source must carry for the filter to be evaluated over it: the table's, quoted. */
    public static String rowAlias(SQLDialect dialect, String table) {
        return quote(dialect, table);
    }

    /**
     * Runs {@code filter} as capture will run it, over no row (PostgreSQL) or over a row of NULLs (H2), and returns
     * the error, said for {@code where}, if the database refuses it or if it reads a column that {@code replicated}
     * (the column subset, or every column) leaves out.
     */
    static Optional<ConfigError> check(DSLContext ctx, String where, String table, List<String> columns, List<String> replicated,
                                       String filter) {
        Optional<String> refused = refusal(ctx, table, columns, columns, filter);
        if (refused.isPresent()) {
            return Optional.of(new ConfigError(where, "row filter \"" + filter + "\" is not a valid boolean expression on the table's row"
                + " (its columns may be qualified with the table's name only): " + refused.get()));
        }
        List<String> read = columns.stream().filter(c -> !replicated.contains(c))
            .filter(c -> refusal(ctx, table, columns, columns.stream().filter(v -> !v.equals(c)).toList(), filter).isPresent())
            .toList();
        if (read.isEmpty()) {
            return Optional.empty();
        }
        // a peer never receives such a column: it would judge rows on its own value there (NULL in a row it received),
        // so a row in the filter at the origin falls out of it at the peer, and the peers never converge
        return Optional.of(new ConfigError(where, "row filter \"" + filter + "\" reads column" + (read.size() == 1 ? " " : "s ")
            + String.join(", ", read) + ", which the column subset leaves out: peers never receive " + (read.size() == 1 ? "it" : "them")
            + ", so each would judge the rows on its own values there and they would never converge; add "
            + (read.size() == 1 ? "it" : "them") + " to the column subset or filter on replicated columns"));
    }

    /**
     * Why the database refuses {@code filter} over a row of {@code visible} (of the table's {@code columns}), or empty
     * if it takes it. A row that lacks a column stands for what a peer knows of a row when a column subset leaves it out.
     */
    private static Optional<String> refusal(DSLContext ctx, String table, List<String> columns, List<String> visible, String filter) {
        boolean postgres = ctx.dialect().family() == SQLDialect.POSTGRES;
        String sql = postgres ? postgresCheck(table, columns, visible, filter) : h2Query(table, visible, filter);
        try {
            ctx.connection(c -> {
                // inside a transaction (a running node binds its tables again), a failed statement must not abort it
                Savepoint before = c.getAutoCommit() ? null : Savepoints.set(c);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 1; !postgres && i <= visible.size(); i++) {
                        ps.setObject(i, null);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                } catch (SQLException e) {
                    if (before != null) {
                        Savepoints.undo(c, before);
                    }
                    throw e;
                }
                if (before != null) {
                    Savepoints.keep(c, before);
                }
            });
            return Optional.empty();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Optional.of(firstLine(cause.getMessage()));
        }
    }

    /** The filter over no row of the table, or of the table's {@code visible} columns only, named like the table. */
    private static String postgresCheck(String table, List<String> columns, List<String> visible, String filter) {
        String source = quote(SQLDialect.POSTGRES, table);
        if (!visible.equals(columns)) {
            source = "(SELECT " + String.join(", ", visible.stream().map(c -> quote(SQLDialect.POSTGRES, c)).toList()) + " FROM " + source + ")";
        }
        return "SELECT " + postgresVerdict(filter) + " FROM " + source + " AS " + rowAlias(SQLDialect.POSTGRES, table) + " WHERE 1 = 0";
    }

    private static String quote(SQLDialect dialect, String identifier) {
        return DSL.using(dialect).render(DSL.name(identifier));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
