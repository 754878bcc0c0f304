package dev.converge.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Two peers compared without HTTP: each side a {@link DatabaseDigests} of a node. Divergence is made behind
 * replication's back (a write whose captured rows are deleted in its own transaction, so it never becomes a
 * ChangeSet); rows in flight are written and not delivered.
 */
class ComparisonTest {
    private static final String SCHEMA = "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), qty INT)";
    private static final Comparison.Settings QUICK = Comparison.Settings.DEFAULT.withWaits(Duration.ofMillis(300), Duration.ofSeconds(20));

    private static Cluster pair(Dialect dialect, String name, int rows) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"), SCHEMA, List.of(TableConfig.of("item")), b -> b);
        StringBuilder insert = new StringBuilder("INSERT INTO item VALUES ");
        for (int i = 1; i <= rows; i++) {
            insert.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'row ").append(i).append("', ").append(i).append(")");
        }
        c.write("A", insert.toString());
        c.sync();
        return c;
    }

    /** Runs statements on a node as one transaction that replication never sees. */
    private static void behindReplicationsBack(Cluster c, String id, String... statements) {
        String[] all = java.util.Arrays.copyOf(statements, statements.length + 1);
        all[statements.length] = "DELETE FROM \"cv_outbox\"";
        c.sql(id).transaction(all);
    }

    private static TableReport compare(Cluster c, Comparison.Settings settings, Comparison.Listener listener) {
        try (Comparison comparison = new Comparison(c.node("A").digests(), c.node("B").digests(), settings, listener)) {
            return comparison.compare("item");
        }
    }

    private static Set<String> keys(TableReport r, Difference.Kind kind) {
        return r.differences().stream().filter(d -> d.kind() == kind).map(d -> String.valueOf(d.key().values().get("id")))
            .collect(Collectors.toSet());
    }

    @AllDialects
    void anEqualPairIsTheSame(Dialect dialect) {
        Cluster c = pair(dialect, "check_equal", 300);
        try (Comparison comparison = new Comparison(c.node("A").digests(), c.node("B").digests(), QUICK, new Comparison.Listener() { })) {
            assertTrue(comparison.settle().matched(), "nothing in flight: the watermarks match");
            TableReport r = comparison.compare("ITEM");
            assertTrue(r.same(), "the same rows: " + r);
            assertEquals(300, r.rowsHere());
            assertEquals(300, r.rowsThere());
        }
    }

    @AllDialects
    void namesExactlyTheKeysChangedBehindReplicationsBack(Dialect dialect) {
        Cluster c = pair(dialect, "check_diverged", 300);
        behindReplicationsBack(c, "B", "DELETE FROM item WHERE id = 17", "UPDATE item SET qty = 999 WHERE id = 42",
            "INSERT INTO item VALUES (1000, 'only on b', 1)");
        behindReplicationsBack(c, "A", "UPDATE item SET name = NULL WHERE id = 250");
        TableReport r = compare(c, QUICK, new Comparison.Listener() { });
        assertEquals(4, r.differing(), "four keys differ: " + r);
        assertTrue(r.exact() && r.confirmed(), "every range examined, every key confirmed: " + r);
        assertEquals(Set.of("17"), keys(r, Difference.Kind.MISSING_THERE), "17 was deleted on b only");
        assertEquals(Set.of("1000"), keys(r, Difference.Kind.MISSING_HERE), "1000 was inserted on b only");
        assertEquals(Set.of("42", "250"), keys(r, Difference.Kind.VALUES_DIFFER));
        Difference qty = r.differences().stream().filter(d -> d.key().values().get("id").equals(42L)).findFirst().orElseThrow();
        assertEquals(42L, qty.here().orElseThrow().get("qty"), "the row as a holds it");
        assertEquals(999L, qty.there().orElseThrow().get("qty"), "the row as b holds it");
        assertEquals(300, r.rowsHere());
        assertEquals(300, r.rowsThere());
    }

    @AllDialects
    void aRowInFlightIsNotReportedOnceItArrives(Dialect dialect) {
        Cluster c = pair(dialect, "check_flight", 100);
        behindReplicationsBack(c, "B", "UPDATE item SET qty = -1 WHERE id = 5");
        c.write("A", "INSERT INTO item VALUES (500, 'in flight', 1)", "UPDATE item SET qty = 77 WHERE id = 6");
        // the comparison finds 500 and 6 differing too; when it waits for the two to catch up, a's ChangeSet arrives
        TableReport r = compare(c, QUICK, new Comparison.Listener() {
            @Override
            public void waiting(String what) {
                if (what.startsWith("waiting for")) {
                    c.sync();
                }
            }
        });
        assertEquals(1, r.differing(), "only the row changed behind replication's back: " + r);
        assertEquals(Set.of("5"), keys(r, Difference.Kind.VALUES_DIFFER));
        assertTrue(r.confirmed());
    }

    @AllDialects
    void aPeerThatDoesNotCatchUpLeavesTheKeysUnconfirmedAndSaysSo(Dialect dialect) {
        Cluster c = pair(dialect, "check_lag", 50);
        c.write("A", "INSERT INTO item VALUES (500, 'in flight', 1)");
        TableReport r = compare(c, QUICK.withWaits(Duration.ofMillis(100), Duration.ofMillis(300)), new Comparison.Listener() { });
        assertEquals(Set.of("500"), keys(r, Difference.Kind.MISSING_THERE));
        assertFalse(r.confirmed(), "b never applied a's ChangeSet");
        assertTrue(r.notes().get(0).contains("B had not applied A's ChangeSets up to 2"), r.notes().toString());
    }

    @AllDialects
    void whenTooMuchDiffersItExaminesABoundedPartAndGivesALowerBound(Dialect dialect) {
        Cluster c = pair(dialect, "check_bounded", 400);
        behindReplicationsBack(c, "B", "UPDATE item SET qty = qty + 1 WHERE MOD(id, 4) = 0");
        Comparison.Settings small = QUICK.withSplits(2, 2, 8, 20);
        TableReport r = compare(c, small, new Comparison.Listener() { });
        assertFalse(r.exact(), "100 differing rows do not fit 20 listed");
        assertTrue(r.differing() >= r.differences().size() && r.differing() <= 100, "a lower bound: " + r.differing());
        assertFalse(r.differences().isEmpty());
        assertTrue(r.differences().stream().allMatch(d -> d.kind() == Difference.Kind.VALUES_DIFFER
            && ((Long) d.key().values().get("id")) % 4 == 0), "only keys that differ are named: " + r.differences());
        assertFalse(r.notes().isEmpty(), "it says why the count is a lower bound");
    }

    /** An H2 peer and a PostgreSQL peer holding the same values of many types hash alike. */
    @Test
    void anH2AndAPostgresPeerWithTheSameRowsHashAlike() {
        String schema = "CREATE TABLE thing (id INT PRIMARY KEY, name VARCHAR(40), price NUMERIC(10,2), born DATE,"
            + " seen TIMESTAMP, ok BOOLEAN, ratio DOUBLE PRECISION, big BIGINT)";
        String rows = "INSERT INTO thing VALUES (1, 'bolt', 1.50, DATE '2024-02-29', TIMESTAMP '2026-01-01 12:00:00.123', TRUE, 0.1, 9007199254740993),"
            + " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (3, 'ünïcödé ✓', -0.01, DATE '1582-10-10', TIMESTAMP '1999-12-31 23:59:59', FALSE, 1e-300, -5)";
        DataSource h2 = TestDatabases.fresh(Dialect.H2, "check_mixed_h2");
        DataSource pg = TestDatabases.fresh(Dialect.POSTGRESQL, "check_mixed_pg");
        Sql.on(h2).execute(schema, rows);
        Sql.on(pg).execute(schema, rows);
        Node a = Node.open(NodeConfig.builder("A").peer("B").table(TableConfig.of("thing")).build(), h2, TimeSource.system());
        Node b = Node.open(NodeConfig.builder("B").peer("A").table(TableConfig.of("thing")).build(), pg, TimeSource.system());
        try (Comparison comparison = new Comparison(a.digests(), b.digests(), QUICK, new Comparison.Listener() { })) {
            TableReport same = comparison.compare("thing");
            assertTrue(same.same(), "the same values on H2 and PostgreSQL: " + same);
            Sql.on(pg).execute("UPDATE thing SET seen = TIMESTAMP '2026-01-01 12:00:00.124' WHERE id = 1");
            TableReport one = comparison.compare("thing");
            assertEquals(1, one.differing(), "a millisecond differs: " + one);
        }
    }
}
