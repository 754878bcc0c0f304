package dev.converge.testkit;

import dev.converge.dialect.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a database's own catalog says exists in its current schema: tables, triggers, functions. Names in lower case,
 * sorted, so that one expectation fits H2 (upper case) and PostgreSQL (lower case).
 */
public final class Catalog {
    private Catalog() {
    }

    public static TreeSet<String> tables(Dialect dialect, Sql sql) {
        String schema = dialect == Dialect.POSTGRESQL ? "public" : "PUBLIC";
        return names(sql.query("SELECT table_name AS n FROM information_schema.tables WHERE table_schema = ?", schema));
    }

    /** Triggers on tables of the database (PostgreSQL: not the internal ones of foreign keys). */
    public static TreeSet<String> triggers(Dialect dialect, Sql sql) {
        return names(sql.query(dialect == Dialect.POSTGRESQL
            ? "SELECT tgname AS n FROM pg_trigger WHERE NOT tgisinternal"
            : "SELECT trigger_name AS n FROM information_schema.triggers"));
    }

    public static TreeSet<String> functions(Dialect dialect, Sql sql) {
        return names(sql.query(dialect == Dialect.POSTGRESQL
            ? "SELECT p.proname AS n FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace WHERE ns.nspname = 'public'"
            : "SELECT routine_name AS n FROM information_schema.routines WHERE routine_schema = 'PUBLIC'"));
    }

    /** Only the names Converge reserves for itself ({@code cv_*}). */
    public static TreeSet<String> converge(TreeSet<String> names) {
        return names.stream().filter(n -> n.startsWith("cv_")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static TreeSet<String> names(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("n").toString().toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }
}
