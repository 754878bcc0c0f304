package dev.converge.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.LogCapture;
import dev.converge.transport.Receipt;
import java.util.List;
import java.util.Map;

/**
 * Columns added, dropped or renamed on a replicated table while the mesh runs: capture and apply follow the table as
 * it is now, a change that names a column the target lacks waits for it, and no value is ever written to the wrong
 * column or replaced by NULL.
 */
class SchemaChangeIT {
    static final NodeId A = NodeId.of("A");
    static final NodeId B = NodeId.of("B");
    static final String SCHEMA = "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(10))";

    static Cluster cluster(Dialect dialect, String name, String schema) {
        return Cluster.of(dialect, name, List.of("A", "B"), schema, List.of(TableConfig.of("t")));
    }

    @AllDialects
    void aColumnAddedOnOnePeerWaitsAtTheOtherUntilItIsAddedThere(Dialect dialect) {
        Cluster c = cluster(dialect, "add_column", SCHEMA);
        c.write("A", "INSERT INTO t VALUES (1, 'a')");
        c.sync();

        c.sql("A").execute("ALTER TABLE t ADD COLUMN w VARCHAR(10)");
        c.write("A", "UPDATE t SET w = 'x' WHERE k = 1", "INSERT INTO t (k, v, w) VALUES (2, 'b', 'y')");
        List<String> log;
        Receipt receipt;
        try (LogCapture capture = LogCapture.of(SchemaWatch.class)) {
            List<ChangeSet> batch = c.node("A").outboundFor(B, 10);
            assertTrue(batch.get(0).changes().stream().allMatch(ch -> ch.after().orElseThrow().has("w")),
                "A captures the new column: " + batch);
            receipt = c.node("B").receive(A, batch);
            c.node("A").acknowledge(B, receipt.storedThrough());
            log = capture.messages();
        }
        assertEquals(1, receipt.waiting(), "B stores the ChangeSet, which names a column B lacks, to wait: " + receipt);
        assertEquals(List.of(Map.of("k", 1, "v", "a")), c.sql("B").query("SELECT k, v FROM t ORDER BY k"), "B wrote nothing of it yet.");
        assertTrue(log.stream().anyMatch(m -> m.startsWith("WARN") && m.toLowerCase().contains("column w") && m.toLowerCase().contains("table t")),
            "The wait is logged, naming table and column: " + log);

        c.sql("B").execute("ALTER TABLE t ADD COLUMN w VARCHAR(10)");
        assertEquals(1, c.node("B").applyPending(), "Once B has the column, the ChangeSet applies.");
        assertEquals(List.of(Map.of("k", 1, "v", "a", "w", "x"), Map.of("k", 2, "v", "b", "w", "y")),
            c.sql("B").query("SELECT k, v, w FROM t ORDER BY k"), "B has the new column's values.");

        c.write("B", "UPDATE t SET w = 'z' WHERE k = 2");
        c.sync();
        assertEquals(List.of(Map.of("k", 1, "v", "a", "w", "x"), Map.of("k", 2, "v", "b", "w", "z")),
            c.sql("A").query("SELECT k, v, w FROM t ORDER BY k"), "Writes to the new column flow back from B.");
    }

    @AllDialects
    void aColumnDroppedAtTheSourceKeepsItsValuesAtATargetThatStillHasIt(Dialect dialect) {
        Cluster c = cluster(dialect, "drop_column", "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(10), w VARCHAR(10))");
        c.write("A", "INSERT INTO t VALUES (1, 'a', 'x')");
        c.sync();

        c.sql("A").execute("ALTER TABLE t DROP COLUMN w");
        c.write("A", "UPDATE t SET v = 'b' WHERE k = 1", "INSERT INTO t VALUES (2, 'c')");
        c.sync();
        assertEquals("[{k=1, v=b, w=x}, {k=2, v=c, w=null}]", c.sql("B").query("SELECT k, v, w FROM t ORDER BY k").toString(),
            "B applies the update without touching w (never NULL for a column A no longer has); the insert leaves w to its default.");
        assertEquals(List.of(Map.of("k", 1, "v", "b"), Map.of("k", 2, "v", "c")), c.sql("A").query("SELECT k, v FROM t ORDER BY k"));
    }

    @AllDialects
    void aRenamedColumnIsCapturedUnderItsNewName(Dialect dialect) {
        Cluster c = cluster(dialect, "rename_column", SCHEMA);
        c.write("A", "INSERT INTO t VALUES (1, 'a')");
        c.sql("A").execute("ALTER TABLE t RENAME COLUMN v TO v2");
        c.write("A", "INSERT INTO t VALUES (2, 'b')");
        List<ChangeSet> queued = c.node("A").outboundFor(B, 10);
        assertEquals(List.of(List.of("k", "v"), List.of("k", "v2")), queued.stream()
            .map(cs -> cs.changes().get(0).after().orElseThrow().values().keySet().stream().map(String::toLowerCase).toList()).toList(),
            "Each write carries the columns the table had when it was made: " + queued);
    }

    /** A table changed so that it no longer fits its configuration: logged, and the other tables replicate on. */
    @AllDialects
    void aTableThatNoLongerFitsItsConfigurationIsLoggedAndTheOthersReplicateOn(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "unfit", List.of("A", "B"),
            "CREATE TABLE t (k INT PRIMARY KEY, jud CHAR(2));\nCREATE TABLE u (k INT PRIMARY KEY, v VARCHAR(10))",
            List.of(TableConfig.of("t").withFilter("jud = 'MS'"), TableConfig.of("u")));
        c.sql("A").execute("ALTER TABLE t DROP COLUMN jud");
        c.write("B", "INSERT INTO u VALUES (1, 'b')");
        List<String> log;
        try (LogCapture capture = LogCapture.of(SchemaWatch.class)) {
            c.deliver("B", "A");
            c.node("A").applyPending();
            log = capture.messages();
        }
        assertEquals(List.of(Map.of("k", 1, "v", "b")), c.sql("A").query("SELECT k, v FROM u"), "u replicates on.");
        assertEquals(1, log.stream().filter(m -> m.startsWith("ERROR") && m.toLowerCase().contains("table t") && m.contains("row filter")).count(),
            "That t no longer fits (its filter names a dropped column) is logged once: " + log);
    }

    /**
     * PostgreSQL: the cheap look that spares the full catalog query ({@link SchemaWatch#fingerprint}) changes with
     * every change of a replicated table's columns — added, dropped, renamed, retyped (also only its length), the table
     * dropped and created again — and not with writes.
     */
    @org.junit.jupiter.api.Test
    void theCatalogFingerprintChangesWithEveryColumnChangeAndNothingElse() {
        Cluster c = cluster(Dialect.POSTGRESQL, "fingerprint", SCHEMA);
        org.jooq.DSLContext ctx = org.jooq.impl.DSL.using(c.member("A").db(), org.jooq.SQLDialect.POSTGRES);
        String[] spellings = {"t"};
        java.util.function.Supplier<List<List<Object>>> look = () -> SchemaWatch.fingerprint(ctx, spellings);
        List<List<Object>> before = look.get();
        assertEquals(2, before.size(), "One entry per column: " + before);
        c.write("A", "INSERT INTO t VALUES (1, 'a')", "UPDATE t SET v = 'b' WHERE k = 1");
        assertEquals(before, look.get(), "Writes leave it as it was.");
        for (String ddl : List.of("ALTER TABLE t ADD COLUMN w VARCHAR(10)", "ALTER TABLE t ALTER COLUMN w TYPE VARCHAR(20)",
            "ALTER TABLE t ALTER COLUMN w TYPE TEXT", "ALTER TABLE t RENAME COLUMN w TO w2", "ALTER TABLE t DROP COLUMN w2")) {
            c.sql("A").execute(ddl);
            List<List<Object>> after = look.get();
            assertTrue(!after.equals(before), ddl + " changes it: " + after);
            before = after;
        }
        Map<String, List<String>> columns = SchemaWatch.columns(ctx, c.node("A").config());
        c.sql("A").execute("DROP TABLE t", SCHEMA);
        assertTrue(!look.get().equals(before), "A table dropped and created again with the same columns changes it.");
        assertEquals(columns, SchemaWatch.columns(ctx, c.node("A").config()), "(whereas the columns read in full are the same)");
    }
}
