package dev.converge.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.DeleteWinsResolver;
import dev.converge.testkit.KeepLocalResolver;
import java.util.List;
import java.util.Map;

/**
 * A person's decision on a conflict, through {@link Decisions}: it replicates to every peer, wins there whatever the
 * table's resolver and whatever arrives concurrently, the later of two concurrent decisions wins, a stale decision is
 * refused, a rejected transaction is replayed, and every peer's records of the conflict end {@code resolved-by-hand}
 * with the same audit. Values are compared in SQL on every node.
 */
class DecisionIT {
    static final String SCHEMA = """
        CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20));
        INSERT INTO item VALUES (1, 'start')""";
    static final List<String> ABC = List.of("A", "B", "C");

    static Cluster cluster(Dialect dialect, String name, String resolver) {
        return cluster(dialect, name, TableConfig.of("item").withResolver(ResolverSpec.of(resolver)));
    }

    static Cluster cluster(Dialect dialect, String name, TableConfig table) {
        return Cluster.of(dialect, name, ABC, SCHEMA, List.of(table));
    }

    /** A writes 'a', then B writes 'b' a second later, concurrently; everything is delivered everywhere. */
    static void concurrentWrites(Cluster c) {
        c.tick(1000);
        c.write("A", "UPDATE item SET v = 'a' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET v = 'b' WHERE id = 1");
        c.sync();
    }

    static ConflictRecord conflictAt(Cluster c, String node, String table) {
        return c.node(node).conflicts().stream().filter(r -> r.table().equalsIgnoreCase(table) && r.type() != ConflictType.TRANSACTION)
            .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no conflict on " + table + " at " + node));
    }

    static DecisionResult.Decided decide(Cluster c, String node, ConflictRecord r, Decision d, String who, String comment) {
        Decisions decisions = c.node(node).decisions();
        Review review = decisions.review(r.id()).orElseThrow();
        DecisionResult result = decisions.decide(r.id(), d, who, comment, review.asOf());
        return assertInstanceOf(DecisionResult.Decided.class, result, "The decision at " + node + " was carried out: " + result);
    }

    static Object v(Cluster c, String node, int id) {
        return c.sql(node).scalar("SELECT v FROM item WHERE id = ?", id);
    }

    static long count(Cluster c, String node, String sql, Object... params) {
        return ((Number) c.sql(node).scalar(sql, params)).longValue();
    }

    static void assertValueEverywhere(Cluster c, Object expected) {
        for (String id : c.ids()) {
            assertEquals(expected, v(c, id, 1), "Row 1 on " + id + " holds the decided value.");
        }
    }

    /** Every record on every node of row 1 of item is resolved by hand by {@code who} with {@code comment}. */
    static void assertResolvedByHandEverywhere(Cluster c, String who, String comment) {
        for (String id : c.ids()) {
            long all = count(c, id, "SELECT count(*) FROM \"cv_conflict\" WHERE lower(\"tbl\") = 'item' AND \"resolver\" <> 'decision'");
            assertTrue(all > 0 || id.equals("C"), "Node " + id + " recorded the conflict.");
            long decided = count(c, id, "SELECT count(*) FROM \"cv_conflict\" WHERE lower(\"tbl\") = 'item' AND \"resolver\" <> 'decision'"
                + " AND \"status\" = 'resolved-by-hand' AND \"outcome\" = 'resolved-by-hand' AND \"decided_by\" = ? AND \"decision_comment\" = ?",
                who, comment);
            assertEquals(all, decided, "Every record of the conflict on " + id + " is resolved-by-hand by " + who + ": "
                + c.node(id).conflicts());
        }
    }

    @AllDialects
    void propagatesToASecondAndAThirdPeerWithItsAudit(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_propagates", "timestamp");
        concurrentWrites(c);
        assertValueEverywhere(c, "b");
        ConflictRecord atA = conflictAt(c, "A", "item");
        assertEquals(Outcome.APPLIED_REMOTE, atA.outcome(), "Under timestamp B's later write won at A.");

        c.tick(1000);
        DecisionResult.Decided d = decide(c, "A", atA, Decision.TAKE_LOCAL, "ana", "the customer called");
        assertEquals(ConflictStatus.RESOLVED_BY_HAND, d.conflict().status(), "The decided record is resolved-by-hand at once.");
        assertEquals("take-local", d.conflict().decision().orElseThrow().what(), "The record says what was decided.");
        assertEquals("a", v(c, "A", 1), "A holds its own value again.");

        c.sync();
        assertValueEverywhere(c, "a");
        assertResolvedByHandEverywhere(c, "ana", "the customer called");
        assertEquals(c.data("A"), c.data("B"), "A and B converged.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged.");
    }

    @AllDialects
    void survivesAConcurrentWriteUnderKeepLocal(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_keep_local", KeepLocalResolver.NAME);
        concurrentWrites(c);
        assertEquals("a", v(c, "A", 1), "Under keep-local A kept its row.");
        assertEquals("b", v(c, "B", 1), "Under keep-local B kept its row: the peers diverge.");

        c.tick(1000);
        decide(c, "A", conflictAt(c, "A", "item"), new Decision.MergedRow(RowImage.of(Map.of("id", 1, "v", "m"))), "ana", "");
        c.tick(1000);
        c.write("B", "UPDATE item SET v = 'b2' WHERE id = 1"); // concurrent with the decision: keep-local would keep it at B
        c.sync();
        assertValueEverywhere(c, "m");
        assertEquals(c.data("A"), c.data("B"), "A and B converged on the decision.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged on the decision.");
        assertTrue(c.node("B").conflicts().stream().anyMatch(r -> r.resolver().equals(DecisionRule.RESOLVER)
            && r.outcome() == Outcome.APPLIED_REMOTE), "At B the decision met B's concurrent write and won: " + c.node("B").conflicts());

        c.tick(1000);
        c.write("B", "UPDATE item SET v = 'after' WHERE id = 1"); // causally after the decision: an ordinary change
        c.sync();
        assertValueEverywhere(c, "after");
    }

    @AllDialects
    void survivesAConcurrentDeleteUnderDeleteWins(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_delete_wins", DeleteWinsResolver.NAME);
        concurrentWrites(c);
        assertValueEverywhere(c, "b");

        c.tick(1000);
        decide(c, "A", conflictAt(c, "A", "item"), Decision.TAKE_LOCAL, "ana", "keep it");
        c.tick(1000);
        c.write("C", "DELETE FROM item WHERE id = 1"); // concurrent with the decision: delete-wins would delete the row
        c.sync();
        assertValueEverywhere(c, "a");
        assertEquals(c.data("A"), c.data("C"), "A and C converged on the decision.");
        assertEquals(c.data("A"), c.data("B"), "A and B converged on the decision.");
    }

    @AllDialects
    void theLaterOfTwoConcurrentDecisionsWins(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_two", "timestamp");
        concurrentWrites(c);
        c.tick(1000);
        decide(c, "A", conflictAt(c, "A", "item"), new Decision.MergedRow(RowImage.of(Map.of("id", 1, "v", "x"))), "ana", "first");
        c.tick(1000);
        decide(c, "B", conflictAt(c, "B", "item"), new Decision.MergedRow(RowImage.of(Map.of("id", 1, "v", "y"))), "bob", "second");
        c.sync();
        assertValueEverywhere(c, "y");
        assertResolvedByHandEverywhere(c, "bob", "second");
        assertEquals(c.data("A"), c.data("B"), "A and B converged on the later decision.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged on the later decision.");
    }

    @AllDialects
    void aStaleDecisionIsRefusedAndChangesNothing(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_stale", "timestamp");
        concurrentWrites(c);
        ConflictRecord atA = conflictAt(c, "A", "item");
        Review seen = c.node("A").decisions().review(atA.id()).orElseThrow();
        assertEquals("b", seen.currentRow().orElseThrow().get("v"), "The review shows the row as it stands.");

        c.tick(1000);
        c.write("A", "UPDATE item SET v = 'meanwhile' WHERE id = 1");
        DecisionResult result = c.node("A").decisions().decide(atA.id(), Decision.DELETE_ROW, "ana", "", seen.asOf());
        DecisionResult.Refused refused = assertInstanceOf(DecisionResult.Refused.class, result, "The row changed since: refused.");
        assertTrue(refused.reason().contains("changed"), "The refusal says why: " + refused.reason());
        assertEquals("meanwhile", v(c, "A", 1), "Nothing was written.");
        assertEquals(0, count(c, "A", "SELECT count(*) FROM \"cv_decision\""), "No decision was recorded.");
        assertEquals(0, count(c, "A", "SELECT count(*) FROM \"cv_conflict\" WHERE \"status\" = 'resolved-by-hand'"),
            "No record was marked.");
    }

    @AllDialects
    void acceptingARejectedTransactionReplaysItAsADecision(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_replay",
            TableConfig.of("item").withScope(ConflictScope.TRANSACTION).withResolver(ResolverSpec.of(KeepLocalResolver.NAME)));
        c.tick(1000);
        c.write("A", "UPDATE item SET v = 'a' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET v = 'b' WHERE id = 1", "INSERT INTO item VALUES (2, 'with b')");
        c.sync();
        assertEquals(0, count(c, "A", "SELECT count(*) FROM item WHERE id = 2"), "A rejected B's whole transaction.");
        ConflictRecord rejected = c.node("A").conflicts().stream().filter(r -> r.type() == ConflictType.TRANSACTION).findFirst()
            .orElseThrow(() -> new AssertionError("A recorded B's transaction as rejected"));

        decide(c, "A", rejected, Decision.TAKE_REMOTE, "ana", "B was right");
        assertEquals("b", v(c, "A", 1), "The replay wrote B's update at A.");
        assertEquals("with b", v(c, "A", 2), "The replay wrote B's insert at A.");
        List<ConflictRecord> ofTheTransaction = c.node("A").conflicts().stream().filter(r -> r.changeSet().equals(rejected.changeSet())).toList();
        assertTrue(ofTheTransaction.stream().allMatch(r -> r.status() == ConflictStatus.RESOLVED_BY_HAND),
            "The transaction's record and its rows' records are resolved-by-hand at A: " + ofTheTransaction);

        c.sync();
        for (String id : c.ids()) {
            assertEquals("b", v(c, id, 1), "Row 1 on " + id + " is B's.");
            assertEquals("with b", v(c, id, 2), "Row 2 on " + id + " is B's.");
        }
        assertEquals(c.data("A"), c.data("B"), "A and B converged.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged.");
        assertFalse(c.node("A").conflicts().isEmpty(), "The records stay for the audit.");
    }

    @AllDialects
    void aDecisionForTheRowAsItStandsStillTravelsAndWins(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_as_it_stands", KeepLocalResolver.NAME);
        concurrentWrites(c);
        assertEquals("a", v(c, "A", 1), "Under keep-local A kept its row.");
        assertEquals("b", v(c, "B", 1), "Under keep-local B kept its row.");

        c.tick(1000);
        decide(c, "A", conflictAt(c, "A", "item"), Decision.TAKE_LOCAL, "ana", "ours"); // A's row is already A's
        c.tick(1000);
        c.write("C", "UPDATE item SET v = 'c' WHERE id = 1"); // concurrent with the decision
        c.sync();
        assertValueEverywhere(c, "a");
        assertResolvedByHandEverywhere(c, "ana", "ours");
        assertEquals(c.data("A"), c.data("B"), "A and B converged on the decision.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged on the decision.");
    }

    @AllDialects
    void deletingARowThatIsGoneStillSettlesEveryPeer(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_delete_gone", DeleteWinsResolver.NAME);
        c.tick(1000);
        c.write("A", "UPDATE item SET v = 'a' WHERE id = 1");
        c.tick(1000);
        c.write("B", "DELETE FROM item WHERE id = 1");
        c.sync();
        assertEquals(0, count(c, "A", "SELECT count(*) FROM item"), "delete-wins removed the row at A.");

        c.tick(1000);
        decide(c, "A", conflictAt(c, "A", "item"), Decision.DELETE_ROW, "ana", "gone for good");
        c.sync();
        for (String id : c.ids()) {
            assertEquals(0, count(c, id, "SELECT count(*) FROM item"), "The row stays deleted on " + id + ".");
        }
        assertResolvedByHandEverywhere(c, "ana", "gone for good");
    }

    @AllDialects
    void aRowTheDatabaseRefusesIsRefusedWithItsReason(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "decision_db_refuses", ABC, SCHEMA + ";\nCREATE UNIQUE INDEX item_v ON item (v);\n"
            + "INSERT INTO item VALUES (9, 'taken')", List.of(TableConfig.of("item")));
        concurrentWrites(c);
        ConflictRecord atA = conflictAt(c, "A", "item");
        Review seen = c.node("A").decisions().review(atA.id()).orElseThrow();
        DecisionResult result = c.node("A").decisions().decide(atA.id(), new Decision.MergedRow(RowImage.of(Map.of("id", 1, "v", "taken"))),
            "ana", "", seen.asOf());
        DecisionResult.Refused refused = assertInstanceOf(DecisionResult.Refused.class, result, "A unique value held by row 9: refused.");
        assertTrue(refused.reason().startsWith("the database refused"), "The refusal gives the database's reason: " + refused.reason());
        assertEquals("b", v(c, "A", 1), "Nothing was written.");
        assertEquals(0, count(c, "A", "SELECT count(*) FROM \"cv_decision\""), "No decision was recorded.");
    }

    @AllDialects
    void anInstallFromBeforeDecisionsIsUpgradedWhenItOpens(Dialect dialect) {
        Cluster c = cluster(dialect, "decision_upgrade", "timestamp");
        for (String id : c.ids()) { // as installs made before decisions existed: no decision columns, no cv_decision
            for (String column : List.of("local_seq", "decided_by", "decided_time", "decided_at", "decision", "decision_comment")) {
                c.sql(id).execute("ALTER TABLE \"cv_conflict\" DROP COLUMN \"" + column + "\"");
            }
            c.sql(id).execute("DROP TABLE \"cv_decision\"");
            c.reopen(id, List.of(TableConfig.of("item")));
        }
        concurrentWrites(c);
        c.tick(1000);
        decide(c, "A", conflictAt(c, "A", "item"), Decision.TAKE_LOCAL, "ana", "after the upgrade");
        c.sync();
        assertValueEverywhere(c, "a");
        assertResolvedByHandEverywhere(c, "ana", "after the upgrade");
    }
}
