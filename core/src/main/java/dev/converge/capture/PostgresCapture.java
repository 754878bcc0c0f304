package dev.converge.capture;

import static org.jooq.impl.DSL.name;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.GeneratedNames;
import dev.converge.catalog.PostgresImages;
import dev.converge.catalog.RowFilter;
import java.util.List;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * Capture on PostgreSQL: per replicated table three statement-level AFTER triggers with transition tables, each one
 * {@code INSERT ... SELECT} of one outbox row per statement (per thousand rows of it) holding the statement's row
 * images as JSON arrays ({@code json_agg}): an outbox row per changed row would cost about as much again as the
 * user's own write. Each outbox row carries the wall clock's reading, not a timestamp: the transaction's timestamp and
 * the rows' versions are given when it is sequenced (see {@code OutboundQueue} and {@code HybridClock}).
 * A row-level trigger would cost a function call per row; a statement trigger costs one per statement however many
 * rows it touched. Writes made by the apply engine set {@code converge.applying} for their transaction and are skipped
 * (no echo). Identifiers are quoted by jOOQ; the row filter is configuration (an SQL expression) and is inserted as is,
 * after the catalog checked that it is a valid boolean expression on the table.
 */
final class PostgresCapture {
    /** The stamp function of earlier versions' triggers (see {@link #dropStampFunction}). */
    static final String STAMP_FUNCTION = "cv_stamp";
    /** The function and, per table, the trigger that refuse TRUNCATE (see {@link #refuseTruncate}). */
    static final String REFUSE_TRUNCATE = "cv_refuse_truncate";
    private final DSLContext ctx;

    PostgresCapture(DSLContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The query every trigger runs first, once per statement, into {@code cv_s}: the wall clock's reading
     * ({@code cv_clock.wall_override} when the node set one, else the server's clock) packed as a hybrid timestamp with
     * counter 0, as {@code HybridTimestamp.ofMillis(ms).asLong()} packs it ({@code ms << 16}); the applied count, the
     * node and the transaction. Only the reading: the sequencer turns it into the transaction's timestamp
     * ({@code HybridClock.stamp}), so the rule is not written in SQL. A plain read of {@code cv_clock}, so writers never
     * wait for one another or for the sequencer.
     *
     * <p>Written into each trigger function, not called as a function: PostgreSQL plans a SQL function's body again
     * on every call (before version 18), and that call was a fifth of what capture cost a pgbench transaction (four
     * one-row statements: 2,200-2,500 tx/s with the call, 2,900-3,150 without, 6,500 without capture; 2 cores).
     */
    private String stamp() {
        return "  SELECT coalesce(c.wall_override, (extract(epoch from clock_timestamp()) * 1000)::bigint) << 16 AS ts,\n"
            + "         c.applied_n, c.node_id::text AS node, pg_current_xact_id()::text AS tx\n"
            + "    INTO cv_s FROM " + q("cv_clock") + " c WHERE c.id = 1;\n";
    }

    /**
     * Drops the function triggers of earlier versions called for the stamp ({@link #stamp} is written into each
     * trigger now); run after every table's triggers were replaced.
     */
    String dropStampFunction() {
        return "DROP FUNCTION IF EXISTS " + q(STAMP_FUNCTION) + "()";
    }

    /**
     * The function every table's TRUNCATE guard calls. TRUNCATE empties a table without row changes, so capture would
     * see nothing and the peers would silently diverge; replicating it instead (a statement-level TRUNCATE trigger)
     * would empty every peer's table whole, also of rows written concurrently there that the truncating node never
     * saw, with no conflict to detect. So it is refused with an error that says what to do; {@code DELETE} replicates
     * row by row and is judged like any change. Not checked while Converge applies (it never truncates).
     */
    String refuseTruncate() {
        return "CREATE OR REPLACE FUNCTION " + q(REFUSE_TRUNCATE) + "() RETURNS trigger LANGUAGE plpgsql AS $cv$\n"
            + "BEGIN\n"
            + "  RAISE EXCEPTION 'TRUNCATE of table % is refused: it is replicated by Converge, and TRUNCATE would not reach its peers', TG_TABLE_NAME\n"
            + "    USING ERRCODE = 'feature_not_supported', HINT = 'Use DELETE, which replicates; or remove the table from the configuration first.';\n"
            + "END $cv$";
    }

    List<String> install(BoundTable t) {
        return List.of(
            function(t, "ins", insertBody(t)), trigger(t, "ins", "INSERT", "NEW TABLE AS cv_new"),
            function(t, "upd", updateBody(t)), trigger(t, "upd", "UPDATE", "OLD TABLE AS cv_old NEW TABLE AS cv_new"),
            function(t, "del", deleteBody(t)), trigger(t, "del", "DELETE", "OLD TABLE AS cv_old"),
            "CREATE OR REPLACE TRIGGER " + q(REFUSE_TRUNCATE) + " BEFORE TRUNCATE ON " + q(t.name())
                + " FOR EACH STATEMENT EXECUTE FUNCTION " + q(REFUSE_TRUNCATE) + "()");
    }

    /** Drops the capture triggers and the TRUNCATE guard of {@code table} (which must exist); the capture functions go with {@link #dropUnusedFunctions}. */
    List<String> uninstall(String table) {
        List<String> out = new java.util.ArrayList<>(List.of("ins", "upd", "del").stream()
            .map(op -> "DROP TRIGGER IF EXISTS " + q("cv_capture_" + op) + " ON " + q(table)).toList());
        out.add("DROP TRIGGER IF EXISTS " + q(REFUSE_TRUNCATE) + " ON " + q(table));
        return out;
    }

    /**
     * Drops every capture function of this schema that no trigger calls any more: those of removed tables, and those
     * an earlier version named differently (a function name that was cut at 63 characters, say). Found in the catalog,
     * so nothing depends on how the function was named when it was created.
     */
    void dropUnusedFunctions() {
        List<String> unused = ctx.fetch("SELECT p.proname FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace"
            + " WHERE s.nspname = current_schema() AND p.proname LIKE {0} AND p.prorettype = 'trigger'::regtype"
            + " AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgfoid = p.oid)", org.jooq.impl.DSL.val("cv\\_capture\\_%"))
            .getValues(0, String.class);
        for (String f : unused) {
            ctx.execute("DROP FUNCTION IF EXISTS " + q(f) + "()");
        }
    }

    private String function(BoundTable t, String op, String body) {
        return "CREATE OR REPLACE FUNCTION " + q(functionName(t.name(), op)) + "() RETURNS trigger LANGUAGE plpgsql AS $cv$\n"
            + "DECLARE cv_s record;\n"
            + "BEGIN\n"
            + "  IF current_setting('converge.applying', true) = 'on' THEN RETURN NULL; END IF;\n"
            + stamp()
            + body
            // registered for the sequencer, in the statement's own (sub)transaction: rolled back with its rows
            + "  IF FOUND THEN INSERT INTO " + q("cv_unsequenced") + " (tx_key) VALUES (cv_s.tx) ON CONFLICT DO NOTHING; END IF;\n"
            + "  RETURN NULL;\n"
            + "END $cv$";
    }

    private String trigger(BoundTable t, String op, String event, String referencing) {
        return "CREATE OR REPLACE TRIGGER " + q("cv_capture_" + op) + " AFTER " + event + " ON " + q(t.name())
            + " REFERENCING " + referencing + " FOR EACH STATEMENT EXECUTE FUNCTION " + q(functionName(t.name(), op)) + "()";
    }

    /** Distinct for distinct tables and at most 63 bytes: see {@link GeneratedNames}. */
    private static String functionName(String table, String op) {
        return GeneratedNames.postgresFunction(table, op);
    }

    private String insertBody(BoundTable t) {
        return outboxInsert(t) + "  SELECT cv_s.tx, " + lit(t.name()) + ", 'I', cv_s.ts, cv_s.applied_n, NULL, json_agg(g.cv_a), NULL, "
            + matches(t, "g.cv_am") + "\n"
            + "  FROM (SELECT " + image(t, row(t)) + " AS cv_a, " + match(t) + " AS cv_am, " + group() + " FROM cv_new AS " + row(t) + ") g\n"
            + "  GROUP BY g.cv_g ORDER BY g.cv_g;\n";
    }

    private String deleteBody(BoundTable t) {
        return outboxInsert(t) + "  SELECT cv_s.tx, " + lit(t.name()) + ", 'D', cv_s.ts, cv_s.applied_n, json_agg(g.cv_b), NULL, "
            + matches(t, "g.cv_bm") + ", NULL\n"
            + "  FROM (SELECT " + image(t, row(t)) + " AS cv_b, " + match(t) + " AS cv_bm, " + group() + " FROM cv_old AS " + row(t) + ") g\n"
            + "  GROUP BY g.cv_g ORDER BY g.cv_g;\n";
    }

    /**
     * Old and new rows of an UPDATE are paired by primary key: transition tables carry no row identity, and a key
     * change is shipped as delete + insert anyway, so an unpaired old row is a delete and an unpaired new row an insert
     * (a JSON null on the other side of its element). The arrays stay aligned: every aggregate of one aggregation
     * reads the rows of a group in the same order.
     */
    private String updateBody(BoundTable t) {
        String keyCols = t.spec().keyColumns().stream().map(k -> q(k) + " AS " + q("cv_k_" + k)).collect(Collectors.joining(", "));
        String join = t.spec().keyColumns().stream().map(k -> "o." + q("cv_k_" + k) + " = n." + q("cv_k_" + k))
            .collect(Collectors.joining(" AND "));
        return outboxInsert(t)
            + "  SELECT cv_s.tx, " + lit(t.name()) + ", 'U', cv_s.ts, cv_s.applied_n, json_agg(g.cv_b), json_agg(g.cv_a),\n"
            + "         " + matches(t, "g.cv_bm") + ", " + matches(t, "g.cv_am") + "\n"
            + "  FROM (SELECT o.cv_img AS cv_b, n.cv_img AS cv_a, o.cv_m AS cv_bm, n.cv_m AS cv_am, " + group() + "\n"
            + "        FROM (SELECT " + image(t, row(t)) + " AS cv_img, " + match(t) + " AS cv_m, " + keyCols + " FROM cv_old AS " + row(t) + ") o\n"
            + "        FULL JOIN (SELECT " + image(t, row(t)) + " AS cv_img, " + match(t) + " AS cv_m, " + keyCols + " FROM cv_new AS " + row(t) + ") n\n"
            + "        ON " + join + ") g\n"
            + "  GROUP BY g.cv_g ORDER BY g.cv_g;\n";
    }

    /** How many rows of a statement share one outbox row: a json value may not exceed 1 GB, nor should one allocation. */
    static final int ROWS_PER_OUTBOX_ROW = 1000;

    /** The group of a statement's row: consecutive rows, {@value #ROWS_PER_OUTBOX_ROW} to a group. */
    private static String group() {
        return "(row_number() OVER () - 1) / " + ROWS_PER_OUTBOX_ROW + " AS cv_g";
    }

    /** The filter's verdicts as a JSON array aligned with the images, or NULL when the table has no filter (all match). */
    private static String matches(BoundTable t, String verdict) {
        return t.spec().filter().isPresent() ? "json_agg(" + verdict + ")" : "NULL";
    }

    /** The row as JSON, as {@link dev.converge.catalog.RowReader} reads local rows: see {@link PostgresImages}. */
    private String image(BoundTable t, String alias) {
        return PostgresImages.json(ctx, t, alias);
    }

    private String outboxInsert(BoundTable t) {
        return "  INSERT INTO " + q("cv_outbox") + " (tx_key, tbl, op, ts, applied_n, before_img, after_img, before_match, after_match)\n";
    }

    /** The row filter's verdict on a row of a transition table aliased {@link #row}: see {@link RowFilter}. */
    private String match(BoundTable t) {
        return t.spec().filter().map(RowFilter::postgresVerdict).orElse("true");
    }

    /**
     * The alias of a transition table's rows: the table's own name, so that a row filter that qualifies its columns
     * with it ({@code pers.jud}) runs here as it does on the table.
     */
    private String row(BoundTable t) {
        return RowFilter.rowAlias(ctx.dialect(), t.name());
    }

    private String q(String identifier) {
        return ctx.render(name(identifier));
    }

    private String lit(String s) {
        return ctx.render(org.jooq.impl.DSL.inline(s));
    }
}
