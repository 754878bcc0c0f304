package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.DeleteWinsResolver;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import java.util.Optional;
import java.util.List;

/** Counterexamples the convergence properties found, minimised: each failed before the engine fix named in it. */
class ConvergenceRegressionTest {
    static final String T = "CREATE TABLE t (k INT PRIMARY KEY, v INT, w VARCHAR(10))";

    private static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B"), T, List.of(TableConfig.of("t")));
    }

    /** RowWriter.updates bound the row's values through List.of, which refuses null: any update of a row holding a NULL failed to apply. */
    @AllDialects
    void anUpdateOfARowHoldingANullApplies(Dialect dialect) {
        Cluster c = cluster(dialect, "null_update");
        c.write("A", "INSERT INTO t VALUES (1, 0, NULL)");
        c.write("A", "UPDATE t SET v = 1 WHERE k = 1");
        c.sync();
        assertEquals(c.data("A"), c.data("B"));
    }

    /**
     * A no-op update ships nothing (net effect: same image), so it must not give the row a new version either: else it
     * beats a concurrent update at its own peer only, and that peer keeps the old value while the others take the new.
     */
    @AllDialects
    void anUpdateThatChangesNothingDoesNotBeatAConcurrentUpdate(Dialect dialect) {
        Cluster c = cluster(dialect, "noop_update");
        c.write("A", "INSERT INTO t VALUES (1, 0, 'a')");
        c.sync();
        c.tick(1000);
        c.write("B", "UPDATE t SET v = 5 WHERE k = 1");
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v WHERE k = 1");
        c.sync();
        assertEquals(c.data("B"), c.data("A"), "A's no-op update left A alone with the old value");
    }

    /** Same for an update and its undo in one transaction. */
    @AllDialects
    void anUpdateUndoneInItsTransactionDoesNotBeatAConcurrentUpdate(Dialect dialect) {
        Cluster c = cluster(dialect, "undone_update");
        c.write("A", "INSERT INTO t VALUES (1, 0, 'a')");
        c.sync();
        c.tick(1000);
        c.write("B", "UPDATE t SET v = 5 WHERE k = 1");
        c.tick(1000);
        c.write("A", "UPDATE t SET v = 9 WHERE k = 1", "UPDATE t SET v = 0 WHERE k = 1");
        c.sync();
        assertEquals(c.data("B"), c.data("A"), "A's undone update left A alone with the old value");
    }

    /**
     * A row inserted and deleted in one transaction ships nothing (the seed's net-effect rule), so it must leave no
     * tombstone: else a concurrent insert of that key from another peer loses at this peer only.
     */
    @AllDialects
    void aRowInsertedAndDeletedInOneTransactionDoesNotBeatAConcurrentInsert(Dialect dialect) {
        Cluster c = cluster(dialect, "insert_delete");
        c.tick(1000);
        c.write("B", "INSERT INTO t VALUES (4, 1, 'b')");
        c.tick(1000);
        c.write("A", "INSERT INTO t VALUES (4, 3, NULL)", "DELETE FROM t WHERE k = 4");
        c.sync();
        assertEquals(c.data("B"), c.data("A"), "A's transient row left A alone without B's row");
        assertEquals(List.of(), c.node("A").tombstones("t"), "A keeps a tombstone of a row no peer ever heard of");
    }

    /**
     * B deletes k=1 while C, not having seen that, first updates k=2 and then k=1. A applies B's delete and, once it has
     * applied later ChangeSets from every peer and they acknowledged A's own, purges the tombstone: its timestamp is
     * older than everything it has since received from each peer. But C's update of k=1 is concurrent with the delete
     * and still on its way: A then meets it with no trace of the delete.
     */
    private static Cluster purgedTombstoneMeetsAConcurrentUpdate(Dialect dialect, String name, String resolver) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), T, List.of(TableConfig.of("t")),
            b -> b.defaultResolver(dev.converge.config.ResolverSpec.of(resolver)).purgeGrace(java.time.Duration.ZERO));
        c.write("A", "INSERT INTO t VALUES (1, 0, 'a')", "INSERT INTO t VALUES (2, 0, 'a')", "INSERT INTO t VALUES (3, 0, 'a')");
        c.sync();
        c.tick(1000);
        c.write("B", "DELETE FROM t WHERE k = 1");
        c.tick(1000);
        c.write("C", "UPDATE t SET v = 1 WHERE k = 2");
        c.tick(1000);
        c.write("C", "UPDATE t SET v = 5 WHERE k = 1");
        c.deliver("B", "A");
        c.tick(1000);
        c.write("B", "UPDATE t SET v = 2 WHERE k = 3");
        c.deliver("B", "A");
        var first = c.node("C").outboundFor(NodeId.of("A"), 1);
        c.node("C").acknowledge(NodeId.of("A"), c.node("A").receive(NodeId.of("C"), first).storedThrough());
        c.tick(1000);
        c.write("A", "UPDATE t SET v = 3 WHERE k = 3");
        c.deliver("A", "B");
        c.deliver("A", "C");
        c.sync();
        return c;
    }

    /** With the timestamp rule the data still converges, but A records the conflict against a row "from before replication". */
    @AllDialects
    void aConflictWithAConcurrentDeleteNamesTheDeleteEvenAfterAPurge(Dialect dialect) {
        Cluster c = purgedTombstoneMeetsAConcurrentUpdate(dialect, "purge_record", "timestamp");
        assertEquals(c.data("B"), c.data("A"));
        ConflictRecord atA = c.node("A").conflicts().stream().filter(r -> r.changeSet().equals(new ChangeSetId(NodeId.of("C"), 2)))
            .findFirst().orElseThrow(() -> new AssertionError("A recorded no conflict for C's update: " + c.node("A").conflicts()));
        assertEquals(ConflictType.UPDATE_MISSING_ROW, atA.type());
        assertEquals(Optional.of(NodeId.of("B")), atA.localOrigin(), "the local side of the conflict is B's delete: " + atA);
        assertTrue(atA.shadowImage().isPresent(), "A still shows the deleted row: " + atA);
    }

    /** With another deterministic rule (a delete beats an update) A alone re-inserts the row: the peers diverge. */
    @AllDialects
    void aPurgedTombstoneDoesNotLetAConcurrentUpdateWinAtOnePeerOnly(Dialect dialect) {
        Cluster c = purgedTombstoneMeetsAConcurrentUpdate(dialect, "purge_diverge", DeleteWinsResolver.NAME);
        assertEquals(c.data("B"), c.data("C"), "B and C");
        assertEquals(c.data("B"), c.data("A"), "A re-inserted the row its peers keep deleted");
    }
}
