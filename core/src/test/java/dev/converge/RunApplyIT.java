package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * A run of small ChangeSets applied as one set-based unit (several ChangeSets touching the same rows, one of them in
 * conflict with a local write) leaves exactly what applying them one at a time leaves: the same rows, the same
 * conflicts with the same outcomes and images.
 */
class RunApplyIT {
    static final String T = "CREATE TABLE acc (id INT PRIMARY KEY, bal INT, note VARCHAR(20))";

    @AllDialects
    void aRunLeavesWhatOneByOneLeaves(Dialect dialect) {
        Cluster asRun = history(dialect, "run");
        Cluster oneByOne = history(dialect, "single");
        List<ChangeSet> batch = asRun.node("A").outboundFor(NodeId.of("B"), 100);
        assertEquals(7, batch.size(), "A's seven transactions travel in one batch");
        assertEquals(7, asRun.node("B").receive(NodeId.of("A"), batch).applied(), "the batch is applied at once");
        for (ChangeSet cs : oneByOne.node("A").outboundFor(NodeId.of("B"), 100)) {
            assertEquals(1, oneByOne.node("B").receive(NodeId.of("A"), List.of(cs)).applied(), "ChangeSet " + cs.id() + " alone");
        }
        assertEquals(oneByOne.data("B"), asRun.data("B"), "B holds the same rows either way");
        assertEquals(describe(oneByOne), describe(asRun), "B records the same conflicts either way");
        asRun.sync();
        assertEquals(asRun.data("A"), asRun.data("B"), "A and B converge after a run");
    }

    /** A's transactions write rows 1 and 2 again and again; B changed row 1 on its own after A's first write reached it. */
    private static Cluster history(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, "runs_" + name, List.of("A", "B"), T, List.of(TableConfig.of("acc")));
        c.write("A", "INSERT INTO acc VALUES (1, 10, 'a'), (2, 20, 'b')");
        c.deliver("A", "B");
        c.tick(5);
        c.write("A", "UPDATE acc SET bal = bal + 1 WHERE id = 1");
        c.tick(5);
        c.write("A", "UPDATE acc SET bal = bal + 1, note = 'x' WHERE id = 2");
        c.tick(5);
        c.write("B", "UPDATE acc SET bal = 99 WHERE id = 1");
        c.tick(5);
        c.write("A", "UPDATE acc SET bal = bal + 1 WHERE id = 1");
        c.write("A", "DELETE FROM acc WHERE id = 2");
        c.write("A", "INSERT INTO acc VALUES (2, 7, 'again'), (3, 30, 'c')");
        c.tick(5);
        c.write("A", "UPDATE acc SET bal = bal + 1 WHERE id IN (2, 3)");
        c.write("A", "DELETE FROM acc WHERE id = 3");
        return c;
    }

    private static List<String> describe(Cluster c) {
        return c.node("B").conflicts().stream().map(RunApplyIT::describe).sorted().toList();
    }

    private static String describe(ConflictRecord r) {
        return r.type() + " " + r.key() + " " + r.outcome() + " " + r.status() + " local " + r.localImage() + " remote " + r.remoteImage()
            + " of " + r.changeSet();
    }
}
