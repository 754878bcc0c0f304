package dev.converge.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * The metadata's version ({@code cv_schema}): a new install records the current one; an install from before versions
 * were kept is upgraded when the node opens again, its data and queues intact; a database written by a newer Converge
 * is refused with both versions named and nothing changed; uninstall removes the table. Read in SQL.
 */
class MetadataSchemaIT {
    static final String SCHEMA = "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t VALUES (1, 'one')";

    static Object version(Cluster c, String node) {
        return ((Number) c.sql(node).scalar("SELECT \"version\" FROM \"cv_schema\" WHERE \"id\" = 1")).intValue();
    }

    @AllDialects
    void anOlderInstallIsUpgradedAndANewerOneRefused(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "meta_version", List.of("A", "B"), SCHEMA, List.of(TableConfig.of("t")));
        assertEquals(MetadataSchema.CURRENT, version(c, "A"), "A new install records the current version.");

        // an install from before the version was kept: no cv_schema; a change waits for B meanwhile
        c.sql("A").execute("DROP TABLE \"cv_schema\"");
        c.write("A", "UPDATE t SET v = 'changed' WHERE id = 1");
        c.reopen("A", List.of(TableConfig.of("t")));
        assertEquals(MetadataSchema.CURRENT, version(c, "A"), "Opening upgrades it to the current version.");
        c.sync();
        assertEquals("changed", c.sql("B").scalar("SELECT v FROM t WHERE id = 1"), "What waited before the upgrade still ships.");

        // an install of version 4 whose triggers did not register transactions for the sequencer (cv_unsequenced)
        c.write("A", "UPDATE t SET v = 'by version 4' WHERE id = 1");
        c.sql("A").execute("DELETE FROM \"cv_unsequenced\"");
        c.sql("A").execute("UPDATE \"cv_schema\" SET \"version\" = 4");
        c.reopen("A", List.of(TableConfig.of("t")));
        assertEquals(MetadataSchema.CURRENT, version(c, "A"), "Opening upgrades version 4.");
        c.sync();
        assertEquals("by version 4", c.sql("B").scalar("SELECT v FROM t WHERE id = 1"),
            "A transaction captured before the upgrade, and not registered, is still sequenced and shipped.");

        c.sql("A").execute("UPDATE \"cv_schema\" SET \"version\" = 99");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> c.reopen("A", List.of(TableConfig.of("t"))));
        assertTrue(refused.getMessage().contains("version 99") && refused.getMessage().contains("up to " + MetadataSchema.CURRENT),
            refused.getMessage());
        assertEquals(99, version(c, "A"), "The refused open changed nothing.");

        c.sql("A").execute("UPDATE \"cv_schema\" SET \"version\" = " + MetadataSchema.CURRENT);
        Node a = c.reopen("A", List.of(TableConfig.of("t")));
        a.uninstall();
        assertEquals(0L, ((Number) c.sql("A").scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'cv_schema'"))
            .longValue(), "Uninstall removes cv_schema.");
    }
}
