package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * User triggers on a replicated table fire for the rows Converge applies, as for any write (Converge applies with
 * ordinary statements, not with PostgreSQL's {@code session_replication_role = replica}); a trigger that must act on
 * local writes only asks whether Converge is applying: {@code current_setting('converge.applying', true) = 'on'} on
 * PostgreSQL, the session variable {@code @converge_applying} on H2.
 */
class UserTriggersIT {
    private static final String SCHEMA = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40));"
        + "CREATE TABLE audit (marca INT)";

    @AllDialects
    void aUserTriggerFiresForReplicatedRowsUnlessItAsksWhetherConvergeIsApplying(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "usertrig", List.of("A", "B"), SCHEMA, List.of(TableConfig.of("pers")));
        if (dialect == Dialect.H2) {
            c.sql("B").execute("CREATE TRIGGER audit_all AFTER INSERT ON pers FOR EACH ROW CALL 'dev.converge.testkit.AuditTrigger'",
                "CREATE TRIGGER audit_local AFTER INSERT ON pers FOR EACH ROW CALL 'dev.converge.testkit.AuditTrigger'");
        } else {
            c.sql("B").execute("CREATE FUNCTION audit_all() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN INSERT INTO audit VALUES (NEW.marca); RETURN NULL; END $$",
                "CREATE FUNCTION audit_local() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF current_setting('converge.applying', true) = 'on' THEN RETURN NULL; END IF; "
                    + "INSERT INTO audit VALUES (NEW.marca); RETURN NULL; END $$",
                "CREATE TRIGGER audit_all AFTER INSERT ON pers FOR EACH ROW EXECUTE FUNCTION audit_all()",
                "CREATE TRIGGER audit_local AFTER INSERT ON pers FOR EACH ROW EXECUTE FUNCTION audit_local()");
        }
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.sync();
        c.write("B", "INSERT INTO pers VALUES (2, 'Ana')");
        assertEquals(List.of(1, 2, 2), audited(c), "The plain trigger logged the replicated row 1 and the local row 2; "
            + "the one that asks logged only the local row 2.");
    }

    private static List<Integer> audited(Cluster c) {
        return c.sql("B").query("SELECT marca FROM audit ORDER BY marca").stream()
            .map(r -> ((Number) r.values().iterator().next()).intValue()).toList();
    }
}
