package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * Purging shadow tombstones, both sides of the rule in {@link Node#purge()}: a tombstone goes only when every other
 * peer has sent a ChangeSet written after it applied the delete (and the purge grace has passed). Until then a change
 * concurrent with the delete may still arrive and need it; a peer's acknowledgement, or a later timestamp, does not
 * prove that the peer has applied the delete.
 */
class PurgeIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final long MINUTE = 60_000;

    /**
     * A, B and C hold rows 1 and 2 (written by A at 12:00); at 12:01 A deletes row 1. Nothing delivered yet. The purge
     * grace is 30 seconds, so that these tests see the horizon rule itself within a few minutes of scenario time.
     */
    static Cluster deletedAtA(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")),
            b -> b.purgeGrace(java.time.Duration.ofSeconds(30)));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.sync();
        c.tick(MINUTE);
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        assertEquals(1, c.node("A").tombstones("pers").size(), "A's delete leaves a tombstone at A.");
        return c;
    }

    /** A minute later, {@code node} writes {@code sql}, and everything is delivered everywhere. */
    static void aMinuteLater(Cluster c, String node, String... sql) {
        c.tick(MINUTE);
        c.write(node, sql);
        c.sync();
    }

    static void assertKept(Cluster c, String node, String why) {
        Node.PurgeResult purged = c.node(node).purge();
        assertEquals(0, purged.tombstones(), "purge() at " + node + " removes no tombstone: " + why);
        assertEquals(1, c.node(node).tombstones("pers").size(), "The tombstone is still at " + node + ": " + why);
    }

    @AllDialects
    void aPeerThatHasNotAcknowledgedTheDeleteKeepsTheTombstone(Dialect dialect) {
        Cluster c = deletedAtA(dialect, "purge_unacked");
        c.tick(MINUTE);
        c.write("B", "INSERT INTO pers VALUES (20, 'Dan', 'BV')");
        c.write("C", "INSERT INTO pers VALUES (30, 'Radu', 'SB')");
        c.deliver("A", "B");
        for (String from : List.of("B", "C")) {
            for (String to : List.of("A", "B", "C")) {
                if (!from.equals(to)) {
                    c.deliver(from, to);
                }
            }
        }
        assertKept(c, "A", "C has sent later changes but has not acknowledged the delete.");

        c.deliver("A", "C");
        assertKept(c, "A", "every peer has acknowledged the delete, but nothing of A's later than it: the tombstone is not older than the horizon.");

        c.tick(MINUTE);
        c.write("A", "UPDATE pers SET nume = 'Ioana' WHERE marca = 2");
        c.sync();
        assertKept(c, "A", "B and C have applied the delete now, but A cannot know it before they send something written after it.");

        c.tick(MINUTE);
        c.write("B", "UPDATE pers SET jud = 'AB' WHERE marca = 20");
        c.write("C", "UPDATE pers SET jud = 'AB' WHERE marca = 30");
        c.sync();
        c.node("A").purge();
        assertTrue(c.node("A").tombstones("pers").isEmpty(),
            "Once every peer has sent a ChangeSet written after it applied the delete, A's tombstone is purged.");
    }

    /**
     * While a table holds no tombstone, the trims after applies leave its purge marks alone (one look instead of a delete
     * and a mark per origin); the first delete after a long history is then purged from marks far behind, by the same
     * rule: kept while a peer may still send something concurrent with it, gone once every peer has sent later.
     */
    @AllDialects
    void aTableWithoutTombstonesLeavesItsMarksAloneAndItsFirstTombstoneGoesByTheRule(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "purge_marks_behind", List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")),
            b -> b.purgeGrace(java.time.Duration.ofSeconds(30)));
        for (int round = 1; round <= 10; round++) {
            c.tick(MINUTE);
            for (String id : c.ids()) {
                int key = round * 10 + (id.charAt(0) - 'A');
                c.write(id, "INSERT INTO pers VALUES (" + key + ", 'r" + round + "', 'MS')");
            }
            c.sync();
        }
        String seenMarks = "SELECT COUNT(*) FROM \"cv_purge_mark\" WHERE \"what\" = 'seen'";
        for (String id : c.ids()) {
            assertEquals(0L, ((Number) c.sql(id).scalar(seenMarks)).longValue(), id + " wrote no mark for a table without tombstones");
        }
        aMinuteLater(c, "A", "DELETE FROM pers WHERE marca = 10");
        aMinuteLater(c, "B", "INSERT INTO pers VALUES (1000, 'after', 'AB')");
        assertKept(c, "A", "C has sent nothing since the delete: a change it made before may still come.");
        c.write("A", "INSERT INTO pers VALUES (3000, 'after', 'AB')");
        aMinuteLater(c, "C", "INSERT INTO pers VALUES (2000, 'after', 'AB')");
        for (String id : c.ids()) {
            c.node(id).purge();
            assertTrue(c.node(id).tombstones("pers").isEmpty(), id + ": every peer has sent a ChangeSet written after the delete");
        }
    }

    @AllDialects
    void aPeerThatHasSentNothingSinceTheDeleteKeepsTheTombstone(Dialect dialect) {
        Cluster c = deletedAtA(dialect, "purge_silent");
        c.sync();
        aMinuteLater(c, "B", "INSERT INTO pers VALUES (20, 'Dan', 'BV')");
        aMinuteLater(c, "A", "UPDATE pers SET nume = 'Ioana' WHERE marca = 2");
        assertKept(c, "A", "B and C acknowledged everything of A's, but C has sent nothing: a change C made before the delete may still come.");

        aMinuteLater(c, "C", "INSERT INTO pers VALUES (30, 'Radu', 'SB')");
        c.node("A").purge();
        assertTrue(c.node("A").tombstones("pers").isEmpty(), "Once C has sent a change later than the delete, A's tombstone is purged.");
    }

    @AllDialects
    void afterFullSyncAndARoundFromEveryPeerOnlyTombstonesOlderThanTheHorizonGo(Dialect dialect) {
        Cluster c = deletedAtA(dialect, "purge_all");
        c.sync();
        for (String id : c.ids()) {
            assertEquals(1, c.node(id).tombstones("pers").size(), id + " keeps the tombstone of row 1 after the sync.");
        }

        c.tick(MINUTE);
        c.write("A", "INSERT INTO pers VALUES (10, 'Ilie', 'AB')");
        c.write("B", "INSERT INTO pers VALUES (20, 'Dan', 'BV')");
        c.write("C", "INSERT INTO pers VALUES (30, 'Radu', 'SB')");
        c.sync();
        c.tick(MINUTE);
        c.write("A", "DELETE FROM pers WHERE marca = 2");
        c.sync();
        for (String id : c.ids()) {
            c.node(id).purge();
            List<RowVersion> left = c.node(id).tombstones("pers");
            assertEquals(1, left.size(), id + " purged the 12:01 tombstone of row 1 and kept the 12:03 one of row 2: " + left);
            assertEquals(2L, ((Number) left.get(0).key().get(0)).longValue(), "The tombstone left at " + id + " is row 2's, younger than the horizon.");
        }
        assertEquals(c.data("A"), c.data("B"), "Purging changed no data at B.");
        assertEquals(c.data("A"), c.data("C"), "Purging changed no data at C.");
    }

    /**
     * A transaction at C writes row 1 at 12:00:30 and stays open; B deletes row 1 at 12:01; C's later, short transaction
     * (12:02) commits and reaches A, and A purges what it may. C's open transaction then commits, is sequenced after
     * the 12:02 one and so stamped after it (a node's timestamps follow its commit order, not the wall clock of its
     * first write): its update of row 1 is later than B's delete, and every node, whatever it purged, ends with row 1 as
     * C's update left it. (Before timestamps were given at sequencing it carried 12:00:30 and lost to the delete; the
     * purge grace had to keep the tombstone for A to see that.)
     */
    @AllDialects
    void aLongTransactionCommittingAfterThePurgeIsStampedAfterItsNodesEarlierCommits(Dialect dialect) throws java.sql.SQLException {
        Cluster c = Cluster.of(dialect, "purge_long_tx", List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.sync();
        c.tick(30_000);
        c.node("C").publishWallClock();
        try (java.sql.Connection longTx = c.member("C").db().getConnection()) {
            longTx.setAutoCommit(false);
            try (java.sql.Statement s = longTx.createStatement()) {
                s.execute("UPDATE pers SET nume = 'late' WHERE marca = 1");
            }
            c.tick(30_000);
            c.write("B", "DELETE FROM pers WHERE marca = 1");
            c.tick(MINUTE);
            c.write("B", "INSERT INTO pers VALUES (20, 'Dan', 'BV')");
            c.write("C", "INSERT INTO pers VALUES (30, 'Radu', 'SB')");
            c.deliver("B", "A");
            c.deliver("C", "A");
            c.deliver("C", "B");
            c.tick(MINUTE);
            c.write("A", "INSERT INTO pers VALUES (10, 'Ilie', 'AB')");
            c.deliver("A", "B");
            c.deliver("A", "C");
            c.node("A").purge();
            longTx.commit();
        }
        List<dev.converge.model.ChangeSet> fromC = c.node("C").outboundFor(dev.converge.model.NodeId.of("B"), 10);
        assertEquals(1, fromC.size(), "B has everything of C's but the long transaction: " + fromC);
        assertTrue(fromC.get(0).timestamp().compareTo(dev.converge.clock.HybridTimestamp.ofMillis(Cluster.NOON + 2 * MINUTE)) > 0,
            "C's long transaction is stamped after C's 12:02 one, which committed before it: " + fromC);
        c.sync();
        for (String id : c.ids()) {
            assertEquals("late", c.sql(id).scalar("SELECT nume FROM pers WHERE marca = 1"),
                id + ": C's update, stamped after B's 12:01 delete, holds row 1.");
        }
        assertEquals(c.data("A"), c.data("B"), "A and B converged.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged.");
    }
}
