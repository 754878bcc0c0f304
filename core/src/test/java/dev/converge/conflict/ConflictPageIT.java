package dev.converge.conflict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.impl.DSL;

/**
 * The conflict list's query ({@link ConflictStore#page} through {@code Node.conflicts(query, after, limit)}): every
 * filter, every sort, keyset pages that neither skip nor repeat a record while new conflicts arrive, and the counts.
 * The records are written with {@link ConflictStore#record} into a real installed node's {@code cv_conflict}.
 */
class ConflictPageIT {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** 250 records: tables t0..t2 by i % 3, types by i % 2, origins B or C by i % 4 < 2, status by i % 5, one a minute. */
    static List<ConflictRecord> records(int from, int to) {
        List<ConflictRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            NodeId origin = NodeId.of(i % 4 < 2 ? "B" : "C");
            ConflictStatus status = i % 5 == 0 ? ConflictStatus.NEEDS_REVIEW : i % 5 == 1 ? ConflictStatus.RESOLVED_BY_HAND : ConflictStatus.AUTO_RESOLVED;
            ConflictType type = i % 2 == 0 ? ConflictType.UPDATE_CHANGED_ROW : ConflictType.INSERT_EXISTS;
            out.add(new ConflictRecord(0, NodeId.of("A"), type, "t" + (i % 3), Optional.of(new RowKey(java.util.Map.of("id", (Object) (long) i, "code", "k_" + i))),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                HybridTimestamp.fromLong(1000L + i), origin, new ChangeSetId(origin, i + 1L), ConflictScope.ROW, "timestamp",
                Outcome.APPLIED_REMOTE, status, T0.plusSeconds(60L * i), Optional.empty()));
        }
        return out;
    }

    static Cluster withRecords(Dialect dialect, String name, int n) {
        Cluster c = Cluster.of(dialect, name, List.of("A"), "CREATE TABLE t0 (id INT PRIMARY KEY)", List.of(TableConfig.of("t0")));
        new ConflictStore(NodeId.of("A")).record(DSL.using(c.member("A").db(), dialect.jooq()), records(0, n));
        return c;
    }

    /** Reads every page of the query, {@code size} at a time, and returns the records' key numbers in page order. */
    static List<Long> walk(Cluster c, ConflictQuery q, int size) {
        List<Long> keys = new ArrayList<>();
        Optional<Long> after = Optional.empty();
        do {
            ConflictPage page = c.node("A").conflicts(q, after, size);
            assertTrue(page.records().size() <= size, "A page holds at most " + size);
            page.records().forEach(r -> keys.add(((Number) r.key().orElseThrow().values().get("id")).longValue()));
            after = page.next();
        } while (after.isPresent());
        return keys;
    }

    static List<Long> expected(int n, java.util.function.IntPredicate keep) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (keep.test(i)) {
                out.add((long) i);
            }
        }
        return out;
    }

    @AllDialects
    void pagesCoverEveryRecordOnceInEachOrder(Dialect dialect) {
        {
            Cluster c = withRecords(dialect, "cpage_order", 250);
            List<Long> oldest = walk(c, ConflictQuery.all().withSort(ConflictSort.OLDEST), 40);
            assertEquals(expected(250, i -> true), oldest, "Oldest first: every record once, in detection order.");
            List<Long> newest = walk(c, ConflictQuery.all(), 40);
            List<Long> reversed = new ArrayList<>(oldest);
            java.util.Collections.reverse(reversed);
            assertEquals(reversed, newest, "Newest first is the reverse.");
            List<Long> byTable = walk(c, ConflictQuery.all().withSort(ConflictSort.TABLE), 17);
            List<Long> wanted = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int table = t;
                wanted.addAll(expected(250, i -> i % 3 == table));
            }
            assertEquals(wanted, byTable, "By table, then detection order, across page boundaries inside one table.");
            List<Long> byType = walk(c, ConflictQuery.all().withSort(ConflictSort.TYPE), 33);
            List<Long> types = new ArrayList<>(expected(250, i -> i % 2 == 1)); // insert-exists sorts before update-changed-row
            types.addAll(expected(250, i -> i % 2 == 0));
            assertEquals(types, byType, "By type, then detection order.");
        }
    }

    @AllDialects
    void filtersCombineAndCountsIgnoreOnlyTheStatusFilter(Dialect dialect) {
        {
            Cluster c = withRecords(dialect, "cpage_filter", 250);
            ConflictQuery q = ConflictQuery.all().withSort(ConflictSort.OLDEST).withTable(Optional.of("t1"))
                .withStatuses(Set.of(ConflictStatus.NEEDS_REVIEW)).withTypes(Set.of(ConflictType.UPDATE_CHANGED_ROW))
                .withOrigin(Optional.of(NodeId.of("C")));
            List<Long> keys = walk(c, q, 7);
            assertEquals(expected(250, i -> i % 3 == 1 && i % 5 == 0 && i % 2 == 0 && i % 4 >= 2), keys);
            ConflictPage page = c.node("A").conflicts(q, Optional.empty(), 7);
            assertEquals(keys.size(), page.matching(), "matching counts every match, not just the page.");
            // status counts ignore the status filter but keep the others
            long t1UpdatesFromC = expected(250, i -> i % 3 == 1 && i % 2 == 0 && i % 4 >= 2).size();
            assertEquals(t1UpdatesFromC, page.byStatus().values().stream().mapToLong(Long::longValue).sum());
            assertEquals((long) keys.size(), page.byStatus().get(ConflictStatus.NEEDS_REVIEW));

            ConflictQuery window = ConflictQuery.all().withSort(ConflictSort.OLDEST)
                .withDetected(Optional.of(T0.plusSeconds(60L * 100)), Optional.of(T0.plusSeconds(60L * 110)));
            assertEquals(expected(250, i -> i >= 100 && i < 110), walk(c, window, 4), "From is inclusive, until exclusive.");
        }
    }

    @AllDialects
    void keyTextMatchesLiterallyIgnoringCase(Dialect dialect) {
        {
            Cluster c = withRecords(dialect, "cpage_key", 250);
            assertEquals(List.of(123L), walk(c, ConflictQuery.all().withKeyText(Optional.of("K_123\"")), 10),
                "The key's text, case ignored; the closing quote pins the end of the value.");
            assertEquals(expected(250, i -> String.valueOf(i).contains("12")), walk(c,
                ConflictQuery.all().withSort(ConflictSort.OLDEST).withKeyText(Optional.of("k_")).withKeyText(Optional.of("12")), 100));
            assertEquals(List.of(), walk(c, ConflictQuery.all().withKeyText(Optional.of("k%")), 10), "% is not a wildcard.");
            assertEquals(List.of(), walk(c, ConflictQuery.all().withKeyText(Optional.of("k__")), 10), "_ is not a wildcard.");
        }
    }

    @AllDialects
    void newConflictsArrivingBetweenPagesNeitherShiftNorRepeat(Dialect dialect) {
        {
            Cluster c = withRecords(dialect, "cpage_live", 100);
            ConflictQuery q = ConflictQuery.all();
            ConflictPage first = c.node("A").conflicts(q, Optional.empty(), 30);
            new ConflictStore(NodeId.of("A")).record(DSL.using(c.member("A").db(), dialect.jooq()), records(100, 150));
            List<Long> rest = new ArrayList<>();
            Optional<Long> after = first.next();
            while (after.isPresent()) {
                ConflictPage p = c.node("A").conflicts(q, after, 30);
                p.records().forEach(r -> rest.add(((Number) r.key().orElseThrow().values().get("id")).longValue()));
                after = p.next();
            }
            List<Long> older = expected(70, i -> true);
            java.util.Collections.reverse(older);
            assertEquals(older, rest, "The pages after the first continue where it ended.");
            assertEquals(150, c.node("A").conflicts(q, Optional.empty(), 1).matching());
            assertTrue(c.node("A").conflict(first.records().get(0).id()).isPresent());
            assertThrows(IllegalArgumentException.class, () -> c.node("A").conflicts(q, Optional.empty(), 0));
        }
    }
}
