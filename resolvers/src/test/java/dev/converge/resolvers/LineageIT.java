package dev.converge.resolvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * The lineage a history-comparing rule keeps in a row's version stays small however often the row is written: a write
 * every peer has seen, and that the content's history holds, is forgotten. Three peers of different priorities write
 * one hot row every round, concurrently, and exchange everything; the lineage is read back from the shadow table in
 * SQL (its JSON), not through the classes under test.
 */
class LineageIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final int ROUNDS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    @AllDialects
    void aHotRowsLineageStaysSmallWhileThePeersConverge(Dialect dialect) throws Exception {
        Cluster c = Cluster.ofEach(dialect, "lineage", List.of("A", "B", "C"), id -> id.equals("A") ? 10 : id.equals("B") ? 5 : 1, PERS,
            List.of(TableConfig.of("pers")), (id, b) -> b.defaultResolver(ResolverSpec.of(SitePriorityResolver.NAME)), db -> db);
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();
        int most = 0;
        for (int r = 1; r <= ROUNDS; r++) {
            c.tick(1000);
            for (String id : c.ids()) {
                c.write(id, "UPDATE pers SET nume = '" + id + " " + r + "' WHERE marca = 1");
            }
            c.sync();
            c.ids().forEach(id -> c.node(id).purge());
            for (String id : c.ids()) {
                most = Math.max(most, writesKept(c, id));
            }
        }
        for (String id : c.ids()) {
            assertEquals(c.rows("A", "pers"), c.rows(id, "pers"), "peer " + id + " converged with A");
        }
        // each round's three concurrent writes are decided by A's (priority 10), on every peer
        assertEquals("A " + ROUNDS, c.sql("B").scalar("SELECT nume FROM pers WHERE marca = 1"));
        // a round's three writes, the previous round's until every peer's next ChangeSet shows it saw them, and the content
        assertTrue(most <= 9, "a lineage kept " + most + " writes after " + ROUNDS + " rounds of 3 writes");
        assertTrue(most >= 1, "the lineage is kept at all");
    }

    /** How many writes the lineage of row 1 (the shadow table's only row) at {@code node} lists, read from its shadow table's version JSON. */
    private static int writesKept(Cluster c, String node) {
        Object version = c.sql(node).scalar("SELECT \"cv_version\" FROM \"cv_shadow_pers\"");
        if (version == null) {
            return 0;
        }
        try {
            JsonNode writes = JSON.readTree(version.toString()).path("lineage").path("writes");
            return writes.size();
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable version " + version, e);
        }
    }
}
