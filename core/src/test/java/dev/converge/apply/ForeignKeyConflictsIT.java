package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;

/**
 * The seed's supplier/product example in a mesh: the later write wins on every peer, and the peers end with the same
 * rows and the same versions, so that what comes later is judged alike everywhere. Compared in SQL, shadow tables
 * included.
 */
class ForeignKeyConflictsIT {
    static final String SCHEMA = "CREATE TABLE f (id INT PRIMARY KEY, name VARCHAR(40));\n"
        + "CREATE TABLE p (cod INT PRIMARY KEY, f_id INT NOT NULL REFERENCES f (id), den VARCHAR(40))";

    static Cluster mesh(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), SCHEMA, List.of(TableConfig.of("f"), TableConfig.of("p")));
        c.write("A", "INSERT INTO f VALUES (12, 'Scule SRL')");
        c.sync();
        c.tick(60_000);
        return c;
    }

    static List<Map<String, Object>> versions(Cluster c, String node, String shadow) {
        return c.sql(node).query("SELECT \"cv_ts\", \"cv_origin\", \"cv_seq\", \"cv_deleted\" FROM \"" + shadow + "\" ORDER BY \"cv_ts\"");
    }

    @AllDialects
    void aResurrectedParentHasTheSameVersionOnEveryPeerAndLaterWritesAreJudgedAlike(Dialect dialect) {
        Cluster c = mesh(dialect, "fk_versions");
        c.write("A", "DELETE FROM f WHERE id = 12");
        c.tick(1000);
        c.write("B", "INSERT INTO p VALUES (1023, 12, 'Ciocan')");
        c.tick(1000);
        c.sync();
        for (String node : List.of("A", "B", "C")) {
            assertEquals(1L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM f")).longValue(), node + " has the supplier back");
            assertEquals(1L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM p")).longValue(), node + " has the product");
            assertEquals(versions(c, "A", "cv_shadow_f"), versions(c, node, "cv_shadow_f"), "the supplier's version at " + node);
            assertEquals(versions(c, "A", "cv_shadow_p"), versions(c, node, "cv_shadow_p"), "the product's version at " + node);
        }
        ConflictRecord atA = c.node("A").conflicts().stream().filter(r -> r.type() == ConflictType.CONSTRAINT).findFirst().orElseThrow();
        assertEquals(Outcome.APPLIED_REMOTE, atA.outcome());
        assertTrue(atA.detail().orElseThrow().contains("resurrected from its shadow"), atA.detail().orElseThrow());

        // a rename by C and a concurrent one by A: the later wins everywhere, the supplier's version being the same
        c.write("C", "UPDATE f SET name = 'by C' WHERE id = 12");
        c.tick(1000);
        c.write("A", "UPDATE f SET name = 'by A' WHERE id = 12");
        c.sync();
        for (String node : List.of("A", "B", "C")) {
            assertEquals("by A", c.sql(node).scalar("SELECT name FROM f WHERE id = 12"), node);
        }
    }

    @AllDialects
    void aLaterDeleteTakesTheOlderChildWithItOnEveryPeer(Dialect dialect) {
        Cluster c = mesh(dialect, "fk_delete_wins");
        c.write("B", "INSERT INTO p VALUES (1023, 12, 'Ciocan')");
        c.tick(1000);
        c.write("A", "DELETE FROM f WHERE id = 12");
        c.deliver("A", "C"); // C hears of the delete first
        c.sync();
        for (String node : List.of("A", "B", "C")) {
            assertEquals(0L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM f")).longValue(), node);
            assertEquals(0L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM p")).longValue(), node);
            assertEquals(1L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM \"cv_shadow_p\" WHERE \"cv_deleted\" = TRUE")).longValue(),
                node + " keeps the product's tombstone");
            assertEquals(versions(c, "A", "cv_shadow_p"), versions(c, node, "cv_shadow_p"), "the product's tombstone at " + node);
        }
    }
}
