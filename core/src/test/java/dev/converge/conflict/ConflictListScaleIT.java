package dev.converge.conflict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The conflict list at 100,000 recorded conflicts on PostgreSQL: a deep page read by its cursor is the right page, and
 * the page queries PostgreSQL plans for a status filter and for the table sort seek an index instead of reading the
 * table (checked with EXPLAIN, not with a stopwatch; the times are only printed).
 */
class ConflictListScaleIT {
    static final int N = 100_000;

    @Test
    void deepPagesSeekAnIndexAt100kConflicts() {
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "clist_scale", List.of("A"), "CREATE TABLE t0 (id INT PRIMARY KEY)", List.of(TableConfig.of("t0")));
        c.sql("A").execute("""
            INSERT INTO "cv_conflict" ("detected_time", "type", "tbl", "row_key", "remote_ts", "remote_origin", "cs_seq", "scope",
                                       "resolver", "outcome", "status")
            SELECT timestamp '2026-01-01 00:00:00' + g * interval '1 second',
                   CASE WHEN g %% 2 = 0 THEN 'update-changed-row' ELSE 'insert-exists' END, 't' || (g %% 20),
                   '{"id":' || g || '}', g, 'B', g, 'row', 'timestamp', 'applied-remote',
                   CASE WHEN g %% 100 = 0 THEN 'needs-review' ELSE 'auto-resolved' END
            FROM generate_series(1, %d) g""".formatted(N), "ANALYZE \"cv_conflict\"");

        ConflictQuery review = ConflictQuery.all().withStatuses(Set.of(ConflictStatus.NEEDS_REVIEW));
        long t0 = System.nanoTime();
        ConflictPage first = c.node("A").conflicts(review, Optional.empty(), 50);
        long t1 = System.nanoTime();
        assertEquals(N / 100, first.matching());
        assertEquals((long) N - N / 100, first.byStatus().get(ConflictStatus.AUTO_RESOLVED));

        // the 900th page of the table sort, reached by its cursor: exactly the records after it
        ConflictQuery byTable = ConflictQuery.all().withSort(ConflictSort.TABLE);
        long cursor = ((Number) c.sql("A").scalar("SELECT \"id\" FROM \"cv_conflict\" ORDER BY \"tbl\", \"id\" OFFSET 44999 LIMIT 1")).longValue();
        long t2 = System.nanoTime();
        ConflictPage deep = c.node("A").conflicts(byTable, Optional.of(cursor), 50);
        long t3 = System.nanoTime();
        List<Long> expected = c.sql("A").query("SELECT \"id\" FROM \"cv_conflict\" ORDER BY \"tbl\", \"id\" OFFSET 45000 LIMIT 50").stream()
            .map(r -> ((Number) r.values().iterator().next()).longValue()).toList();
        assertEquals(expected, deep.records().stream().map(ConflictRecord::id).toList(), "The page after the cursor, in table order.");
        System.out.println("100k conflicts: first needs-review page with counts " + (t1 - t0) / 1_000_000 + " ms; page 901 by table "
            + (t3 - t2) / 1_000_000 + " ms");

        String statusPlan = plan(c, "SELECT * FROM \"cv_conflict\" WHERE \"status\" = 'needs-review' ORDER BY \"id\" DESC LIMIT 51");
        assertTrue(statusPlan.contains("cv_conflict_status"), "The status filter seeks its index:\n" + statusPlan);
        String seekPlan = plan(c, "SELECT * FROM \"cv_conflict\" WHERE (\"tbl\" > 't5' OR (\"tbl\" = 't5' AND \"id\" > " + cursor
            + ")) ORDER BY \"tbl\", \"id\" LIMIT 51");
        assertFalse(seekPlan.contains("Seq Scan"), "The table sort's seek does not read the table:\n" + seekPlan);
    }

    static String plan(Cluster c, String sql) {
        return c.sql("A").query("EXPLAIN " + sql).stream().map(r -> String.valueOf(r.values().iterator().next())).collect(Collectors.joining("\n"));
    }
}
