package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.ColumnMergeResolver;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.SummingResolver;
import java.util.List;
import java.util.Map;

/**
 * A row a resolver merged holds the writes of both sides; its version must say so, on every peer alike, or later
 * writes of either side are judged wrongly (issue 6, item 2). Values are asserted in SQL.
 */
class MergedVersionsIT {
    static final String T = "CREATE TABLE t (k INT PRIMARY KEY, v INT, w VARCHAR(10))";

    private static Cluster summing(Dialect dialect, String name, List<String> peers) {
        Cluster c = Cluster.of(dialect, name, peers, T, List.of(TableConfig.of("t")),
            b -> b.defaultResolver(ResolverSpec.of(SummingResolver.NAME)));
        c.write(peers.get(0), "INSERT INTO t VALUES (1, 0, 'a')");
        c.sync();
        return c;
    }

    private static long v(Cluster c, String node) {
        return ((Number) c.sql(node).scalar("SELECT v FROM t WHERE k = 1")).longValue();
    }

    /**
     * A +1, B +10, A +1, all before any delivery. B merges A's first increment (a conflict); A's second was written
     * without having seen B's, so it conflicts too and counts once more. It used to be taken as already seen (the
     * merged row kept A's version): A ended at 12, B at 2.
     */
    @AllDialects
    void everyIncrementCountsOnceAfterAMerge(Dialect dialect) {
        Cluster c = summing(dialect, "merge_sum", List.of("A", "B"));
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.tick(1000);
        c.write("B", "UPDATE t SET v = v + 10 WHERE k = 1");
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.sync();
        assertEquals(12, v(c, "A"), "A");
        assertEquals(12, v(c, "B"), "B");
    }

    /** The same with a third peer that receives everything in yet another order. */
    @AllDialects
    void everyIncrementCountsOnceOnEveryPeerWhateverTheOrder(Dialect dialect) {
        Cluster c = summing(dialect, "merge_sum3", List.of("A", "B", "C"));
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.tick(1000);
        c.write("B", "UPDATE t SET v = v + 10 WHERE k = 1");
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.tick(1000);
        c.write("C", "UPDATE t SET v = v + 100 WHERE k = 1");
        c.deliver("B", "C");
        c.deliver("A", "B");
        c.deliver("C", "A");
        c.sync();
        for (String n : List.of("A", "B", "C")) {
            assertEquals(112, v(c, n), n);
        }
    }

    /**
     * After the merge has reached everyone, a write of either contributor saw both sides: it applies cleanly everywhere
     * (no conflict is invented), and later concurrent writes still conflict and count.
     */
    @AllDialects
    void aWriteThatSawTheMergeIsNoConflict(Dialect dialect) {
        Cluster c = summing(dialect, "merge_after", List.of("A", "B"));
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.tick(1000);
        c.write("B", "UPDATE t SET v = v + 10 WHERE k = 1");
        c.sync();
        int conflicts = c.node("A").conflicts().size() + c.node("B").conflicts().size();
        c.tick(1000);
        c.write("B", "UPDATE t SET v = v + 100 WHERE k = 1");
        c.sync();
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1000 WHERE k = 1");
        c.sync();
        assertEquals(conflicts, c.node("A").conflicts().size() + c.node("B").conflicts().size(),
            "writes made after the merge was seen conflicted: " + c.node("A").conflicts() + c.node("B").conflicts());
        assertEquals(1111, v(c, "A"), "A");
        assertEquals(1111, v(c, "B"), "B");
        for (String n : List.of("A", "B")) {
            List<ConflictRecord> merged = c.node(n).conflicts();
            assertEquals(List.of(Outcome.MERGED), merged.stream().map(ConflictRecord::outcome).toList(), n + " " + merged);
        }
    }

    /** Two increments by one leave equal rows on both sides and still both count: a merging resolver is asked about them. */
    @AllDialects
    void equalRowsFromConcurrentIncrementsBothCount(Dialect dialect) {
        Cluster c = summing(dialect, "merge_equal", List.of("A", "B"));
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.write("B", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.sync();
        assertEquals(2, v(c, "A"), "A");
        assertEquals(2, v(c, "B"), "B");
    }

    /**
     * Three peers merge the same three concurrent writes in different orders: the merged row's version (every column
     * of its shadow row: the latest write, the other writes, the column stamps) is the same on each.
     */
    @AllDialects
    void aMergedRowHasTheSameVersionOnEveryPeer(Dialect dialect) {
        Cluster c = summing(dialect, "merge_version", List.of("A", "B", "C"));
        c.tick(1000);
        c.write("A", "UPDATE t SET v = v + 1 WHERE k = 1");
        c.tick(1000);
        c.write("B", "UPDATE t SET w = 'b' WHERE k = 1");
        c.tick(1000);
        c.write("C", "UPDATE t SET v = v + 100 WHERE k = 1");
        c.deliver("A", "B");
        c.deliver("C", "B");
        c.deliver("C", "A");
        c.deliver("B", "A");
        c.sync();
        String shadow = "SELECT \"cv_ts\", \"cv_origin\", \"cv_seq\", \"cv_deleted\", \"cv_version\" FROM \"cv_shadow_t\"";
        var atA = c.sql("A").query(shadow);
        assertEquals(atA, c.sql("B").query(shadow), "B's version");
        assertEquals(atA, c.sql("C").query(shadow), "C's version");
        assertEquals(101, v(c, "A"));
        assertEquals(List.of("b", "b", "b"), List.of("A", "B", "C").stream().map(n -> c.sql(n).scalar("SELECT w FROM t WHERE k = 1")).toList());
    }

    private static Cluster columnMerge(Dialect dialect, String name, List<String> peers) {
        Cluster c = Cluster.of(dialect, name, peers, T, List.of(TableConfig.of("t")),
            b -> b.defaultResolver(ResolverSpec.of(ColumnMergeResolver.NAME)));
        c.write(peers.get(0), "INSERT INTO t VALUES (1, 0, 'a')");
        c.sync();
        return c;
    }

    /** Two peers change different columns of one row: both changes survive everywhere. The same column: the latest wins. */
    @AllDialects
    void columnMergeKeepsChangesToDifferentColumnsAndTheLatestOfOne(Dialect dialect) {
        Cluster c = columnMerge(dialect, "colmerge", List.of("A", "B"));
        c.tick(1000);
        c.write("A", "UPDATE t SET v = 5, w = 'x' WHERE k = 1");
        c.tick(1000);
        c.write("B", "UPDATE t SET w = 'b' WHERE k = 1");
        c.sync();
        for (String n : List.of("A", "B")) {
            assertEquals(List.of(Map.of("v", 5, "w", "b")), c.sql(n).query("SELECT v, w FROM t WHERE k = 1"), n);
        }
    }

    /**
     * The stamp of each column decides, not the row's latest write: B changed w after everyone had the row; C, not
     * having seen that, changed v earlier than B's write. C's v is still the latest change of v, and B's w of w.
     */
    @AllDialects
    void columnMergeGoesByEachColumnsLastChange(Dialect dialect) {
        Cluster c = columnMerge(dialect, "colstamps", List.of("A", "B", "C"));
        c.tick(1000);
        c.write("C", "UPDATE t SET v = 7 WHERE k = 1");
        c.tick(1000);
        c.write("A", "UPDATE t SET w = 'x' WHERE k = 1");
        c.deliver("A", "B");
        c.tick(1000);
        c.write("B", "UPDATE t SET w = 'b' WHERE k = 1");
        c.deliver("B", "A");
        c.sync();
        for (String n : List.of("A", "B", "C")) {
            assertEquals(List.of(Map.of("v", 7, "w", "b")), c.sql(n).query("SELECT v, w FROM t WHERE k = 1"), n);
        }
    }
}
