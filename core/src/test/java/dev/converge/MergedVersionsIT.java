package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.SummingResolver;
import java.util.List;

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
}
