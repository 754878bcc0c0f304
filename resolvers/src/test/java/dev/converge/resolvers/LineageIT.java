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

    /**
     * A tombstone whose lineage holds a delete that lost to it and that not every peer has seen is not purged: N
     * writes after it have that delete in their history, and must find it listed (found by review: with the tombstone
     * purged, N and A ended on different rows). B deletes row 1, A deletes it later; N gets both (A's wins), B gets
     * A's, and B writes on, so every peer but A has seen A's delete — A has not seen B's.
     */
    @AllDialects
    void aTombstoneStaysWhileItsLineageHoldsADeleteNotEveryPeerSaw(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "lineage_purge", List.of("A", "B", "N"), PERS + ";\nCREATE TABLE other (id INT PRIMARY KEY)",
            List.of(TableConfig.of("pers"), TableConfig.of("other")),
            b -> b.defaultResolver(ResolverSpec.of(DeleteWinsResolver.NAME)).purgeGrace(java.time.Duration.ofSeconds(1)));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();
        c.tick(1000);
        c.write("B", "DELETE FROM pers WHERE marca = 1");
        c.tick(1000);
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.deliver("A", "N");
        c.deliver("B", "N");
        c.deliver("A", "B");
        c.tick(1000);
        c.write("B", "INSERT INTO other VALUES (1)");
        c.deliver("B", "N");
        c.deliver("N", "B");
        c.tick(60_000);
        c.node("N").purge();
        assertEquals(1L, ((Number) c.sql("N").scalar("SELECT COUNT(*) FROM \"cv_shadow_pers\" WHERE \"cv_deleted\" = TRUE")).longValue(),
            "N keeps the tombstone whose lineage lists B's delete, which A has not seen");
        c.tick(1000);
        c.write("N", "INSERT INTO pers VALUES (1, 'N', 'MS')");
        c.tick(1000);
        c.write("A", "INSERT INTO pers VALUES (1, 'A', 'MS')");
        c.sync();
        for (String id : c.ids()) {
            assertEquals(c.rows("A", "pers"), c.rows(id, "pers"), "peer " + id + " converged with A");
        }
    }

    /**
     * Both sides of a unique collision keep the removed row's lineage alike (found by review: the losing side's
     * tombstone counted the row's own insert as a delete, so under delete-wins a later concurrent insert of the key
     * stayed out there and came in elsewhere). A and B insert rows 1 and 2 with one unique value, B's later; E inserts
     * row 1 with another value, concurrently.
     */
    @AllDialects
    void bothSidesOfAUniqueCollisionKeepTheRemovedRowsLineageAlike(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "lineage_unique", List.of("A", "B", "E"), "CREATE TABLE acct (id INT PRIMARY KEY, u INT UNIQUE, n VARCHAR(10))",
            List.of(TableConfig.of("acct")), b -> b.defaultResolver(ResolverSpec.of(DeleteWinsResolver.NAME)));
        c.tick(1000);
        c.write("A", "INSERT INTO acct VALUES (1, 5, 'a')");
        c.tick(500);
        c.write("E", "INSERT INTO acct VALUES (1, 7, 'e')");
        c.tick(500);
        c.write("B", "INSERT INTO acct VALUES (2, 5, 'b')");
        c.deliver("B", "A");
        c.deliver("A", "B");
        c.sync();
        for (String id : c.ids()) {
            assertEquals(c.rows("A", "acct"), c.rows(id, "acct"), "peer " + id + " converged with A");
        }
        assertEquals(2, c.rows("A", "acct").size(), "B's row 2 won the collision; E's row 1, later than A's, stays");
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
