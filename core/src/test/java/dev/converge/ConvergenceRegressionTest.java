package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
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
}
