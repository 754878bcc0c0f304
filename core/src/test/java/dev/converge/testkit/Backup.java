package dev.converge.testkit;

import dev.converge.dialect.Dialect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A copy of every table of a database's current schema, kept inside the same database, and its restoration: what a
 * backup taken at that moment and restored later does to a node. Restoring puts back the user's tables first and
 * Converge's own last, so that what the capture triggers write while the user's rows are put back is overwritten by
 * the outbox as it was.
 */
public final class Backup {
    private static final String PREFIX = "zz_backup_";
    private final Sql sql;
    private final List<String> tables;

    private Backup(Sql sql, List<String> tables) {
        this.sql = sql;
        this.tables = tables;
    }

    public static Backup take(Dialect dialect, Sql sql) {
        String schema = dialect == Dialect.POSTGRESQL ? "public" : "PUBLIC";
        List<String> tables = new ArrayList<>();
        for (Map<String, Object> r : sql.query("SELECT table_name AS n FROM information_schema.tables WHERE table_schema = ?"
            + " AND table_type IN ('BASE TABLE', 'TABLE')", schema)) {
            String name = r.get("n").toString();
            if (!name.startsWith(PREFIX)) {
                tables.add(name);
            }
        }
        // the user's tables first, then shadow tables, then Converge's own tables
        tables.sort(Comparator.comparing((String n) -> n.startsWith("cv_shadow_") ? 1 : n.startsWith("cv_") ? 2 : 0));
        for (String t : tables) {
            sql.execute("DROP TABLE IF EXISTS " + q(PREFIX + t), "CREATE TABLE " + q(PREFIX + t) + " AS SELECT * FROM " + q(t));
        }
        return new Backup(sql, tables);
    }

    /** Puts every table back as it was when the backup was taken. */
    public void restore() {
        for (String t : tables) {
            sql.execute("DELETE FROM " + q(t), "INSERT INTO " + q(t) + " SELECT * FROM " + q(PREFIX + t));
        }
    }

    private static String q(String name) {
        return "\"" + name + "\"";
    }
}
