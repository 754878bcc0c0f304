package dev.converge.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.capture.Installer;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Catalog;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.LogCapture;
import dev.converge.testkit.Sql;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A node opened again with a changed configuration: what it installed for a table it no longer replicates goes, and
 * replication of the other tables carries on in both directions.
 */
class ConfigurationChangeIT {
    static final NodeId B = NodeId.of("B");
    static final String SCHEMA = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40));\n"
        + "CREATE TABLE orase (cod INT PRIMARY KEY, nume VARCHAR(40))";

    @AllDialects
    void aTableRemovedFromTheConfigurationLosesWhatWasInstalledForItAndItsUnsentChanges(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "removed", List.of("A", "B"), SCHEMA, List.of(TableConfig.of("pers"), TableConfig.of("orase")));
        Sql a = c.sql("A");
        TreeSet<String> tablesBefore = Catalog.tables(dialect, a);
        c.write("A", "INSERT INTO orase VALUES (1, 'Cluj')");
        c.sync();
        c.write("A", "INSERT INTO orase VALUES (2, 'Iasi')", "INSERT INTO pers VALUES (1, 'Ion')");
        c.write("A", "UPDATE orase SET nume = 'Turda' WHERE cod = 1", "INSERT INTO orase VALUES (3, 'Arad')");
        c.node("A").outboundFor(B, 10); // the first of the two is sequenced, the second is not: both kinds are discarded

        List<String> log;
        try (LogCapture capture = LogCapture.of(Installer.class)) {
            c.reopen("A", List.of(TableConfig.of("pers")));
            log = capture.messages();
        }
        assertTrue(log.stream().anyMatch(m -> m.startsWith("WARN") && m.contains("orase") && m.contains(" 3 captured row changes")),
            "The removal and the number of discarded changes are logged: " + log);

        TreeSet<String> tablesAfter = Catalog.tables(dialect, a);
        TreeSet<String> gone = new TreeSet<>(tablesBefore);
        gone.removeAll(tablesAfter);
        assertEquals(dialect == Dialect.H2 ? Set.of("cv_shadow_orase", "cv_notrunc_orase") : Set.of("cv_shadow_orase"), gone,
            "Only the removed table's shadow table (and on H2 its TRUNCATE guard) is dropped.");
        assertEquals(Set.of("pers"), names(a.query("SELECT \"name\" AS n FROM \"cv_table\"")), "cv_table lists only pers.");
        assertTrue(Catalog.converge(Catalog.triggers(dialect, a)).stream().noneMatch(n -> n.contains("orase")), "No capture trigger for orase is left.");
        assertEquals(dialect == Dialect.POSTGRESQL ? 3 : 0, Catalog.converge(Catalog.functions(dialect, a)).stream()
            .filter(n -> n.startsWith("cv_capture_")).count(), "Only pers's three capture functions are left (PostgreSQL).");
        if (dialect == Dialect.POSTGRESQL) {
            assertEquals(3L, ((Number) a.scalar("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cv_capture%'")).longValue(),
                "Only pers's three capture triggers are left.");
        }

        c.write("A", "INSERT INTO orase VALUES (4, 'Deva')", "INSERT INTO pers VALUES (2, 'Ana')");
        List<ChangeSet> queued = c.node("A").outboundFor(B, 10);
        assertEquals(Set.of("pers"), queued.stream().flatMap(cs -> cs.changes().stream()).map(ch -> ch.table().toLowerCase())
            .collect(Collectors.toSet()), "Sequencing carries on and ships only pers: " + queued);
        c.deliver("A", "B");
        assertEquals(List.of(1, 2), keys(c.rows("B", "pers"), "marca"), "B receives pers's rows.");
        assertEquals(List.of(1), keys(c.rows("B", "orase"), "cod"), "B received nothing more of orase.");

        c.write("B", "INSERT INTO pers VALUES (3, 'Dan')");
        c.deliver("B", "A");
        assertEquals(List.of(1, 2, 3), keys(c.rows("A", "pers"), "marca"), "Inbound replication of pers carries on.");
    }

    @AllDialects
    void aTableDroppedFromTheDatabaseAndTheConfigurationIsForgotten(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "dropped", List.of("A", "B"), SCHEMA, List.of(TableConfig.of("pers"), TableConfig.of("orase")));
        c.write("A", "INSERT INTO orase VALUES (1, 'Cluj')");
        c.sql("A").execute("DROP TABLE orase CASCADE"); // on H2 the TRUNCATE guard (cv_notrunc_orase) references it
        c.reopen("A", List.of(TableConfig.of("pers")));
        assertTrue(Catalog.converge(Catalog.tables(dialect, c.sql("A"))).stream().noneMatch(n -> n.contains("orase")),
            "Its shadow table is dropped too.");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.sync();
        assertEquals(List.of(1), keys(c.rows("B", "pers"), "marca"));
    }

    /** Rows captured for a table this node does not replicate (by another configuration, say) are left out, never an error. */
    @AllDialects
    void aCapturedRowOfATableThatIsNotConfiguredNeverStopsSequencingNorApply(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "stray", List.of("A", "B"), SCHEMA, List.of(TableConfig.of("pers")));
        c.sql("A").execute("INSERT INTO \"cv_outbox\" (\"tx_key\", \"tbl\", \"op\", \"ts\", \"applied_n\", \"after_img\")"
            + " VALUES ('stray-tx', 'orase', 'I', 1, 0, '[{\"cod\": 1, \"nume\": \"Cluj\"}]')");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.write("B", "INSERT INTO pers VALUES (2, 'Ana')");
        c.deliver("B", "A");
        c.sync();
        assertEquals(List.of(1, 2), keys(c.rows("A", "pers"), "marca"), "A applied B's row though its outbox holds a stray row.");
        assertEquals(List.of(1, 2), keys(c.rows("B", "pers"), "marca"), "A's own row reached B.");
        assertTrue(c.node("A").outboundFor(B, 10).isEmpty(), "Everything was acknowledged.");
    }

    private static Set<String> names(List<java.util.Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("n").toString().toLowerCase()).collect(Collectors.toSet());
    }

    private static List<Integer> keys(List<RowImage> rows, String column) {
        return rows.stream().map(r -> ((Number) r.get(column)).intValue()).toList();
    }
}
