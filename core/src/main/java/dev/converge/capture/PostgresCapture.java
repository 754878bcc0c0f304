package dev.converge.capture;

import static org.jooq.impl.DSL.name;

import dev.converge.catalog.BoundTable;
import java.util.List;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * Capture on PostgreSQL: per replicated table three statement-level AFTER triggers with transition tables, each one
 * {@code INSERT ... SELECT} into the outbox and one upsert into the shadow table per statement, never per row.
 * A row-level trigger would cost a function call per row; a statement trigger costs one per statement however many
 * rows it touched. Writes made by the apply engine set {@code converge.applying} for their transaction and are skipped
 * (no echo). Identifiers are quoted by jOOQ; the row filter is configuration (an SQL expression) and is inserted as is,
 * after the catalog checked that it is a valid boolean expression on the table.
 */
final class PostgresCapture {
    static final String STAMP_FUNCTION = "cv_stamp";
    private final DSLContext ctx;

    PostgresCapture(DSLContext ctx) {
        this.ctx = ctx;
    }

    /** The function every trigger calls once per statement: the hybrid timestamp, applied count, node and transaction. */
    String stampFunction() {
        return "CREATE OR REPLACE FUNCTION " + q(STAMP_FUNCTION) + "(OUT ts bigint, OUT applied_n bigint, OUT node text, OUT tx text)\n"
            + "LANGUAGE sql VOLATILE AS $cv$\n"
            + "  SELECT greatest(coalesce(c.wall_override, (extract(epoch from clock_timestamp()) * 1000)::bigint) << 16,\n"
            + "                  c.floor_ts + 1),\n"
            + "         c.applied_n, c.node_id::text, pg_current_xact_id()::text\n"
            + "  FROM " + q("cv_clock") + " c WHERE c.id = 1\n"
            + "$cv$";
    }

    List<String> install(BoundTable t) {
        return List.of(
            function(t, "ins", insertBody(t)), trigger(t, "ins", "INSERT", "NEW TABLE AS cv_new"),
            function(t, "upd", updateBody(t)), trigger(t, "upd", "UPDATE", "OLD TABLE AS cv_old NEW TABLE AS cv_new"),
            function(t, "del", deleteBody(t)), trigger(t, "del", "DELETE", "OLD TABLE AS cv_old"));
    }

    List<String> uninstall(String table) {
        return List.of("ins", "upd", "del").stream().flatMap(op -> List.of(
            "DROP TRIGGER IF EXISTS " + q("cv_capture_" + op) + " ON " + q(table),
            "DROP FUNCTION IF EXISTS " + q(functionName(table, op)) + "()").stream()).toList();
    }

    private String function(BoundTable t, String op, String body) {
        return "CREATE OR REPLACE FUNCTION " + q(functionName(t.name(), op)) + "() RETURNS trigger LANGUAGE plpgsql AS $cv$\n"
            + "DECLARE cv_s record;\n"
            + "BEGIN\n"
            + "  IF current_setting('converge.applying', true) = 'on' THEN RETURN NULL; END IF;\n"
            + "  SELECT * INTO cv_s FROM " + q(STAMP_FUNCTION) + "();\n"
            + body
            + "  RETURN NULL;\n"
            + "END $cv$";
    }

    private String trigger(BoundTable t, String op, String event, String referencing) {
        return "CREATE OR REPLACE TRIGGER " + q("cv_capture_" + op) + " AFTER " + event + " ON " + q(t.name())
            + " REFERENCING " + referencing + " FOR EACH STATEMENT EXECUTE FUNCTION " + q(functionName(t.name(), op)) + "()";
    }

    private static String functionName(String table, String op) {
        String n = "cv_capture_" + op + "_" + table.toLowerCase(java.util.Locale.ROOT);
        return n.length() > 63 ? n.substring(0, 63) : n;
    }

    private String insertBody(BoundTable t) {
        return outboxInsert(t) + "  SELECT cv_s.tx, " + lit(t.name()) + ", 'I', cv_s.ts, cv_s.applied_n, NULL, to_jsonb(n.*), false, "
            + match(t) + " FROM cv_new n;\n"
            + liveUpsert(t);
    }

    private String deleteBody(BoundTable t) {
        return outboxInsert(t) + "  SELECT cv_s.tx, " + lit(t.name()) + ", 'D', cv_s.ts, cv_s.applied_n, to_jsonb(o.*), NULL, "
            + match(t) + ", false FROM cv_old o;\n"
            + tombstoneUpsert(t, "");
    }

    /**
     * Old and new rows of an UPDATE are paired by primary key: transition tables carry no row identity, and a key
     * change is shipped as delete + insert anyway, so an unpaired old row is a delete and an unpaired new row an insert.
     * One statement with data-modifying CTEs: the outbox rows, tombstones for keys that vanished, and new versions only
     * for rows whose replicated columns or filter verdict changed — an update of excluded columns is not a replicated
     * write and must not make the row look freshly written (it would turn a later remote update into a false conflict).
     */
    private String updateBody(BoundTable t) {
        String keyCols = t.spec().keyColumns().stream().map(k -> q(k) + " AS " + q("cv_k_" + k)).collect(Collectors.joining(", "));
        String join = t.spec().keyColumns().stream().map(k -> "o." + q("cv_k_" + k) + " = n." + q("cv_k_" + k))
            .collect(Collectors.joining(" AND "));
        String replicated = "ROW(" + t.spec().columns().stream().map(this::q).collect(Collectors.joining(", ")) + ")";
        String side = "SELECT to_jsonb(%1$s.*) AS cv_img, " + match(t) + " AS cv_m, " + keyCols + ", " + replicated + " AS cv_r FROM %2$s %1$s";
        String oldKeys = t.spec().keyColumns().stream().map(k -> "o." + q("cv_k_" + k)).collect(Collectors.joining(", "));
        String newKeys = t.spec().keyColumns().stream().map(k -> "n." + q("cv_k_" + k)).collect(Collectors.joining(", "));
        String shadowInsert = "  INSERT INTO " + q(t.shadow().name()) + " (" + keyList(t, "") + ", cv_ts, cv_origin, cv_seq, cv_tx, cv_deleted, cv_image)\n";
        return "  WITH o AS (" + String.format(side, "o", "cv_old") + "),\n"
            + "       n AS (" + String.format(side, "n", "cv_new") + "),\n"
            + "       cv_log AS (\n"
            + outboxInsert(t)
            + "  SELECT cv_s.tx, " + lit(t.name()) + ", CASE WHEN o.cv_img IS NULL THEN 'I' WHEN n.cv_img IS NULL THEN 'D' ELSE 'U' END,\n"
            + "         cv_s.ts, cv_s.applied_n, o.cv_img, n.cv_img, coalesce(o.cv_m, false), coalesce(n.cv_m, false)\n"
            + "  FROM o FULL JOIN n ON " + join + "),\n"
            + "       cv_gone AS (\n"
            + shadowInsert
            + "  SELECT " + oldKeys + ", cv_s.ts, cv_s.node, NULL, cv_s.tx, true, o.cv_img FROM o WHERE NOT EXISTS (SELECT 1 FROM n WHERE " + join + ")\n"
            + onConflict(t) + ")\n"
            + shadowInsert
            + "  SELECT " + newKeys + ", cv_s.ts, cv_s.node, NULL, cv_s.tx, false, NULL FROM n LEFT JOIN o ON " + join + "\n"
            + "  WHERE o.cv_img IS NULL OR o.cv_r IS DISTINCT FROM n.cv_r OR o.cv_m <> n.cv_m\n"
            + onConflict(t) + ";\n";
    }

    private String outboxInsert(BoundTable t) {
        return "  INSERT INTO " + q("cv_outbox") + " (tx_key, tbl, op, ts, applied_n, before_img, after_img, before_match, after_match)\n";
    }

    private String match(BoundTable t) {
        return t.spec().filter().map(f -> "coalesce((" + f + "), false)").orElse("true");
    }

    private String liveUpsert(BoundTable t) {
        return "  INSERT INTO " + q(t.shadow().name()) + " (" + keyList(t, "") + ", cv_ts, cv_origin, cv_seq, cv_tx, cv_deleted, cv_image)\n"
            + "  SELECT " + keyList(t, "n.") + ", cv_s.ts, cv_s.node, NULL, cv_s.tx, false, NULL FROM cv_new n\n"
            + onConflict(t) + ";\n";
    }

    private String tombstoneUpsert(BoundTable t, String where) {
        return "  INSERT INTO " + q(t.shadow().name()) + " (" + keyList(t, "") + ", cv_ts, cv_origin, cv_seq, cv_tx, cv_deleted, cv_image)\n"
            + "  SELECT " + keyList(t, "o.") + ", cv_s.ts, cv_s.node, NULL, cv_s.tx, true, to_jsonb(o.*) FROM cv_old o" + where + "\n"
            + onConflict(t) + ";\n";
    }

    private String onConflict(BoundTable t) {
        return "  ON CONFLICT (" + keyList(t, "") + ") DO UPDATE SET cv_ts = excluded.cv_ts, cv_origin = excluded.cv_origin,"
            + " cv_seq = NULL, cv_tx = excluded.cv_tx, cv_deleted = excluded.cv_deleted, cv_image = excluded.cv_image";
    }

    private String keyList(BoundTable t, String prefix) {
        return t.spec().keyColumns().stream().map(k -> prefix + q(k)).collect(Collectors.joining(", "));
    }

    private String q(String identifier) {
        return ctx.render(name(identifier));
    }

    private String lit(String s) {
        return ctx.render(org.jooq.impl.DSL.inline(s));
    }
}
