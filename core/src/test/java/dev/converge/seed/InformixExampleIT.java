package dev.converge.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed article's Informix example (shadow tables), exactly: peers A, B and C, rule timestamp, row
 * (1325, 'Vasile', 'MS') everywhere at 12:00; B sets jud = 'CJ' at 12:05, C deletes the row by its full image at 12:10.
 * Whichever of the two reaches A first, the delete wins and the row ends deleted on every node.
 */
class InformixExampleIT {
    static final String SCHEMA = """
        CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2));
        INSERT INTO pers VALUES (1325, 'Vasile', 'MS')""";
    static final long MINUTE = 60_000;
    static final RowImage VASILE = RowImage.of(Map.of("marca", 1325, "nume", "Vasile", "jud", "MS"));
    static final RowImage VASILE_CJ = RowImage.of(Map.of("marca", 1325, "nume", "Vasile", "jud", "CJ"));

    /** The cluster after T1 (12:05, B updates) and T2 (12:10, C deletes), with the clocks at 12:10. */
    static Cluster beforeDelivery(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), SCHEMA, List.of(TableConfig.of("pers")));
        for (String id : c.ids()) {
            assertEquals(1, c.rows(id, "pers").size(), "The row exists on " + id + " at 12:00, before any write.");
        }
        c.tick(5 * MINUTE);
        c.write("B", "UPDATE pers SET jud = 'CJ' WHERE marca = 1325");
        c.tick(5 * MINUTE);
        c.write("C", "DELETE FROM pers WHERE marca = 1325 AND nume = 'Vasile' AND jud = 'MS'");
        return c;
    }

    static void assertDeletedEverywhere(Cluster c) {
        for (String id : c.ids()) {
            assertTrue(c.rows(id, "pers").isEmpty(), "After sync the row is deleted on " + id + ": " + c.rows(id, "pers"));
        }
        assertEquals(c.data("A"), c.data("B"), "A and B converged.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged.");
    }

    static long at(int hour, int minute) {
        return Cluster.NOON + ((hour - 12) * 60L + minute) * MINUTE;
    }

    @AllDialects
    void deleteFirstThenUpdateAtA(Dialect dialect) {
        Cluster c = beforeDelivery(dialect, "informix_order1");
        c.tick(50 * MINUTE);
        assertEquals(1, c.deliver("C", "A"), "T3 13:00: C's delete reaches A.");
        assertTrue(c.rows("A", "pers").isEmpty(), "A applied the delete.");
        assertEquals(1, c.node("A").tombstones("pers").size(), "A keeps the deleted row in the shadow of pers.");
        assertTrue(c.node("A").conflicts().isEmpty(), "The delete found its row unchanged at A: no conflict.");

        c.tick(15 * MINUTE);
        assertEquals(1, c.deliver("B", "A"), "T4 13:15: B's update reaches A.");
        assertTrue(c.rows("A", "pers").isEmpty(), "The update was not applied: the row stays deleted at A.");
        List<ConflictRecord> atA = c.node("A").conflicts();
        assertEquals(1, atA.size(), "A recorded one conflict: " + atA);
        ConflictRecord r = atA.get(0);
        assertEquals(ConflictType.UPDATE_MISSING_ROW, r.type(), "The update found no row: update-missing-row.");
        assertEquals(Outcome.KEPT_LOCAL, r.outcome(), "The shadow's delete (12:10) is later than the update (12:05): kept-local.");
        assertEquals(Optional.of(RowKey.of("marca", 1325)), r.key(), "The conflict is about row 1325.");
        assertTrue(r.shadowImage().isPresent() && r.shadowImage().get().sameAs(VASILE), "The shadow holds the deleted row: " + r.shadowImage());
        assertEquals(Optional.empty(), r.localImage(), "A has no live row 1325.");
        assertTrue(r.remoteImage().isPresent() && r.remoteImage().get().sameAs(VASILE_CJ), "The incoming row is B's update.");
        assertEquals(at(12, 10), r.localTimestamp().map(HybridTimestamp::physicalMillis).orElse(-1L), "The shadow's timestamp is the delete's, 12:10.");
        assertEquals(Optional.of(NodeId.of("C")), r.localOrigin(), "The shadow's delete came from C.");
        assertEquals(at(12, 5), r.remoteTimestamp().physicalMillis(), "The update's timestamp is 12:05.");
        assertEquals(NodeId.of("B"), r.remoteOrigin(), "The update came from B.");
        assertEquals(ConflictScope.ROW, r.scope(), "The example is decided row by row.");

        c.sync();
        assertDeletedEverywhere(c);
    }

    @AllDialects
    void updateFirstThenDeleteAtA(Dialect dialect) {
        Cluster c = beforeDelivery(dialect, "informix_order2");
        c.tick(50 * MINUTE);
        assertEquals(1, c.deliver("B", "A"), "B's update reaches A first.");
        assertTrue(c.rows("A", "pers").get(0).sameAs(VASILE_CJ), "A applied the update: jud became CJ.");
        assertTrue(c.node("A").conflicts().isEmpty(), "The update found the initial row unchanged at A: no conflict.");

        c.tick(15 * MINUTE);
        assertEquals(1, c.deliver("C", "A"), "C's delete reaches A second.");
        assertTrue(c.rows("A", "pers").isEmpty(), "The delete won: the update is undone and the row deleted at A.");
        List<ConflictRecord> atA = c.node("A").conflicts();
        assertEquals(1, atA.size(), "A recorded one conflict: " + atA);
        ConflictRecord r = atA.get(0);
        assertEquals(ConflictType.DELETE_CHANGED_ROW, r.type(), "The delete's full image (jud = 'MS') no longer matches: delete-changed-row.");
        assertEquals(Outcome.APPLIED_REMOTE, r.outcome(), "The delete (12:10) is later than the update (12:05): applied-remote.");
        assertTrue(r.localImage().isPresent() && r.localImage().get().sameAs(VASILE_CJ), "The local row is B's update.");
        assertTrue(r.remoteImage().isPresent() && r.remoteImage().get().sameAs(VASILE), "The incoming delete carries the original image.");
        assertEquals(at(12, 5), r.localTimestamp().map(HybridTimestamp::physicalMillis).orElse(-1L), "The local row's timestamp is the update's, 12:05.");
        assertEquals(at(12, 10), r.remoteTimestamp().physicalMillis(), "The delete's timestamp is 12:10.");
        assertEquals(1, c.node("A").tombstones("pers").size(), "A keeps the deleted row in the shadow of pers.");

        c.sync();
        assertDeletedEverywhere(c);
    }
}
