package dev.converge.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Catalog;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Names Converge generates per replicated table (shadow tables and their constraints, trigger functions, H2 triggers)
 * never collide: not for long names that share a prefix beyond the 63 characters PostgreSQL keeps, not for names
 * that differ only in case.
 */
class GeneratedNamesIT {
    static final NodeId B = NodeId.of("B");
    /**
     * 52 characters each, the same up to the last five: a shadow table's name still fits, a trigger function's
     * ({@code cv_capture_ins_} and the name) does not.
     */
    @AllDialects
    void longNamesSharingAPrefixAreCapturedEachUnderItsOwnTable(Dialect dialect) {
        longNames(dialect, "orders_archived_from_the_eastern_region_wareho_north", "orders_archived_from_the_eastern_region_wareho_south");
    }

    /** 62 characters each: not even a shadow table's name fits. */
    @AllDialects
    void namesOfTheLongestLengthAreReplicated(Dialect dialect) {
        longNames(dialect, "orders_archived_from_the_eastern_region_warehouse_number_north",
            "orders_archived_from_the_eastern_region_warehouse_number_south");
    }

    static void longNames(Dialect dialect, String north, String south) {
        Cluster c = Cluster.of(dialect, "long_names", List.of("A", "B"),
            "CREATE TABLE " + north + " (id INT PRIMARY KEY, v VARCHAR(10));\nCREATE TABLE " + south + " (id INT PRIMARY KEY, v VARCHAR(10))",
            List.of(TableConfig.of(north), TableConfig.of(south)));
        c.write("A", "INSERT INTO " + north + " VALUES (1, 'n')");
        c.write("A", "INSERT INTO " + south + " VALUES (2, 's')");

        List<ChangeSet> queued = c.node("A").outboundFor(B, 10);
        assertEquals(List.of(north, south), queued.stream().map(cs -> cs.changes().get(0).table().toLowerCase()).toList(),
            "Each write is captured under its own table: " + queued);
        c.sync();
        assertEquals(List.of(1), ids(c.rows("B", north)), "B has the north row in the north table.");
        assertEquals(List.of(2), ids(c.rows("B", south)), "B has the south row in the south table.");

        c.write("A", "DELETE FROM " + north + " WHERE id = 1");
        c.node("A").outboundFor(B, 10);
        assertEquals(1, c.node("A").tombstones(north).size(), "The north delete leaves a tombstone in the north shadow table.");
        assertEquals(0, c.node("A").tombstones(south).size(), "The south shadow table holds no tombstone of the north table.");
        assertGeneratedNamesFit(dialect, c);
    }

    @AllDialects
    void namesThatDifferOnlyInCaseAreTwoTables(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "case_names", List.of("A", "B"),
            "CREATE TABLE \"Foo\" (id INT PRIMARY KEY, v VARCHAR(10));\nCREATE TABLE \"foo\" (id INT PRIMARY KEY, v VARCHAR(10))",
            List.of(TableConfig.of("Foo"), TableConfig.of("foo")));
        c.write("A", "INSERT INTO \"Foo\" VALUES (1, 'upper')");
        c.write("A", "INSERT INTO \"foo\" VALUES (2, 'lower')");

        List<ChangeSet> queued = c.node("A").outboundFor(B, 10);
        assertEquals(List.of("Foo", "foo"), queued.stream().map(cs -> cs.changes().get(0).table()).toList(),
            "Each write is captured under its own table: " + queued);
        c.sync();
        Map<String, List<RowImage>> atB = c.data("B");
        assertEquals(List.of(1), ids(atB.get("Foo")), "B has Foo's row in Foo: " + atB);
        assertEquals(List.of(2), ids(atB.get("foo")), "B has foo's row in foo: " + atB);

        c.write("A", "DELETE FROM \"Foo\"", "UPDATE \"foo\" SET v = 'changed'");
        c.sync();
        assertEquals(Map.of("Foo", List.of(), "foo", List.of(2)), Map.of("Foo", ids(c.data("B").get("Foo")), "foo", ids(c.data("B").get("foo"))),
            "A delete on Foo and an update on foo reach B each on its own table.");
        List<Change> changes = c.node("A").outboundFor(B, 10).stream().flatMap(cs -> cs.changes().stream()).toList();
        assertEquals(List.of(), changes, "Everything was acknowledged.");
        assertGeneratedNamesFit(dialect, c);
    }

    /** Two shadow tables, each name within PostgreSQL's 63 characters, and capture objects for each table. */
    static void assertGeneratedNamesFit(Dialect dialect, Cluster c) {
        TreeSet<String> shadows = Catalog.tables(dialect, c.sql("A")).stream().filter(n -> n.startsWith("cv_shadow_"))
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(2, shadows.size(), "One shadow table per replicated table: " + shadows);
        assertTrue(shadows.stream().allMatch(n -> n.length() <= 63), "Shadow table names fit in 63 characters: " + shadows);
        Set<String> capture = dialect == Dialect.POSTGRESQL ? Catalog.converge(Catalog.functions(dialect, c.sql("A")))
            : Catalog.converge(Catalog.triggers(dialect, c.sql("A")));
        long perTable = dialect == Dialect.POSTGRESQL ? 3 : 1;
        assertEquals(2 * perTable, capture.stream().filter(n -> n.startsWith("cv_capture")).count(),
            "Each table has capture objects of its own: " + capture);
    }

    private static List<Integer> ids(List<RowImage> rows) {
        return rows.stream().map(r -> ((Number) r.get("id")).intValue()).toList();
    }
}
