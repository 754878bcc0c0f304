package dev.converge.catalog;

import dev.converge.config.ConfigError;
import dev.converge.shadow.GeneratedName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.SQLDialect;

/**
 * Every name Converge generates for a replicated table, in one place: its shadow table with the shadow's primary-key
 * constraint and purge index (module {@code shadow-store}), its capture and statement triggers on H2 and its three trigger functions
 * on PostgreSQL. All are formed by {@link GeneratedName}: distinct for distinct tables, at most 63 bytes. (PostgreSQL
 * trigger names are per table, {@code cv_capture_ins} and so on, and need nothing more.)
 */
public final class GeneratedNames {
    private GeneratedNames() {
    }

    /** The H2 capture trigger of {@code table} (the database's spelling); H2 trigger names are per schema. */
    public static String h2Trigger(String table) {
        return GeneratedName.of("cv_capture_", table, SQLDialect.H2);
    }

    /** The H2 statement trigger of {@code table} that tells its capture trigger a statement starts ({@code capture.H2StatementStart}). */
    public static String h2StatementTrigger(String table) {
        return GeneratedName.of("cv_statement_", table, SQLDialect.H2);
    }

    /** H2: the empty table whose foreign key makes H2 refuse TRUNCATE of {@code table} (see {@code capture.TruncateGuard}). */
    public static String h2TruncateGuard(String table) {
        return GeneratedName.of("cv_notrunc_", table, SQLDialect.H2);
    }

    /** H2: the foreign key of {@link #h2TruncateGuard}; constraint names are per schema on H2. */
    public static String h2TruncateGuardKey(String table) {
        return GeneratedName.of("cv_notrunc_fk_", table, SQLDialect.H2);
    }

    /** The PostgreSQL trigger function of {@code table} for {@code op} ({@code ins}, {@code upd}, {@code del}). */
    public static String postgresFunction(String table, String op) {
        return GeneratedName.of("cv_capture_" + op + "_", table, SQLDialect.POSTGRES);
    }

    /** The schema-wide names installing {@code t} creates. */
    static List<String> of(BoundTable t, SQLDialect dialect) {
        List<String> out = new ArrayList<>(List.of(t.shadow().name(), t.shadow().primaryKeyName(), t.shadow().purgeIndexName()));
        if (dialect.family() == SQLDialect.POSTGRES) {
            List.of("ins", "upd", "del").forEach(op -> out.add(postgresFunction(t.name(), op)));
        } else {
            out.add(h2Trigger(t.name()));
            out.add(h2StatementTrigger(t.name()));
            out.add(h2TruncateGuard(t.name()));
            out.add(h2TruncateGuardKey(t.name()));
        }
        return out;
    }

    /**
     * A configuration error if two tables would get the same name (a hash collision, or a plain table name that
     * happens to look like another's hashed one): installing would then mix their shadows or their capture.
     */
    static Optional<ConfigError> collision(List<BoundTable> tables, SQLDialect dialect) {
        Map<String, String> owner = new HashMap<>();
        for (BoundTable t : tables) {
            for (String n : of(t, dialect)) {
                String other = owner.putIfAbsent(n, t.name());
                if (other != null) {
                    return Optional.of(new ConfigError("table " + t.name(), "the name Converge generates for it, " + n
                        + ", is also generated for table " + other + "; rename one of the two tables to replicate both"));
                }
            }
        }
        return Optional.empty();
    }
}
