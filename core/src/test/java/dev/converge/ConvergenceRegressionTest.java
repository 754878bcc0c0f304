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
}
