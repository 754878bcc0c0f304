package dev.converge.resolvers;

import static dev.converge.resolvers.Conflicts.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Resolution;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** column-merge and delta: what the merged row holds. */
class MergingResolversTest {
    private static final ConflictResolver DELTA = new DeltaResolver().withParameters(Map.of("columns", List.of("qty")));

    private static Resolution.Merge merged(ConflictResolver r, Conflicts c) {
        Resolution res = r.resolve(c.build());
        assertTrue(res instanceof Resolution.Merge, () -> r.name() + " answered " + res);
        return (Resolution.Merge) res;
    }

    @Test
    void columnMergeKeepsChangesToDifferentColumns() {
        // A set a=x2 at 1000; B set b=y2 at 2000 having seen neither
        Conflicts c = Conflicts.update(row("id", 1, "a", "x", "b", "y"), row("id", 1, "a", "x", "b", "y2"), 2000)
            .local(row("id", 1, "a", "x2", "b", "y"));
        assertEquals(row("id", 1, "a", "x2", "b", "y2").values(), merged(new ColumnMergeResolver(), c).row().values());
    }

    @Test
    void columnMergeGivesAColumnBothChangedToTheLatestWrite() {
        Conflicts later = Conflicts.update(row("id", 1, "a", "x"), row("id", 1, "a", "remote"), 2000).local(row("id", 1, "a", "local"));
        assertEquals("remote", merged(new ColumnMergeResolver(), later).row().get("a"));
        Conflicts earlier = later.localAt(3000);
        assertEquals("local", merged(new ColumnMergeResolver(), earlier).row().get("a"));
    }

    @Test
    void columnMergeJudgesAColumnByItsOwnStamp() {
        // the row's latest write (3000) did not touch a; a was last changed at 1000, before the incoming 2000
        Conflicts c = Conflicts.update(row("id", 1, "a", "x", "b", 1), row("id", 1, "a", "remote", "b", 1), 2000)
            .local(row("id", 1, "a", "local", "b", 2)).localAt(3000).columnStamp("a", 1000, "A");
        assertEquals(row("id", 1, "a", "remote", "b", 2).values(), merged(new ColumnMergeResolver(), c).row().values());
    }

    @Test
    void columnMergeGoesByTimestampWhenTheRowIsGoneOnOneSide() {
        assertEquals(Resolution.APPLY_REMOTE, new ColumnMergeResolver().resolve(Conflicts.delete(row("id", 1, "a", "x"), 2000).build()));
        assertEquals(Resolution.KEEP_LOCAL, new ColumnMergeResolver().resolve(Conflicts.delete(row("id", 1, "a", "x"), 500).build()));
    }

    @Test
    void deltaAddsTheIncomingIncrementToTheLocalValue() {
        // both started at 10; A added 5 (15), B added 3 (13): 18 on every peer
        Conflicts c = Conflicts.update(row("id", 1, "qty", 10, "note", "n"), row("id", 1, "qty", 13, "note", "n"), 2000)
            .local(row("id", 1, "qty", 15, "note", "n"));
        assertEquals(18L, ((Number) merged(DELTA, c).row().get("qty")).longValue());
        assertEquals(18L, ((Number) merged(DELTA, c.localAt(3000)).row().get("qty")).longValue(), "whichever write is later");
    }

    @Test
    void deltaCountsAnInsertsValueAsItsIncrement() {
        Conflicts c = Conflicts.insert(row("id", 1, "qty", 4), 2000).local(row("id", 1, "qty", 6));
        assertEquals(10L, ((Number) merged(DELTA, c).row().get("qty")).longValue());
    }

    @Test
    void deltaMatchesColumnsIgnoringCaseAndKeepsDecimalsExact() {
        Conflicts c = Conflicts.update(row("ID", 1, "QTY", new BigDecimal("1.10")), row("ID", 1, "QTY", new BigDecimal("1.30")), 2000)
            .local(row("ID", 1, "QTY", new BigDecimal("2.05")));
        assertEquals(0, new BigDecimal("2.25").compareTo((BigDecimal) merged(DELTA, c).row().get("QTY")));
    }

    @Test
    void deltaTreatsNullAsZero() {
        Conflicts c = Conflicts.update(row("id", 1, "qty", null), row("id", 1, "qty", 2), 2000).local(row("id", 1, "qty", 7));
        assertEquals(9L, ((Number) merged(DELTA, c).row().get("qty")).longValue());
    }

    @Test
    void deltaMergesOtherColumnsByTheLatestWrite() {
        Conflicts c = Conflicts.update(row("id", 1, "qty", 1, "note", "old"), row("id", 1, "qty", 2, "note", "remote"), 2000)
            .local(row("id", 1, "qty", 1, "note", "local"));
        assertEquals("remote", merged(DELTA, c).row().get("note"));
        assertEquals("local", merged(DELTA, c.localAt(3000)).row().get("note"));
    }

    @Test
    void deltaGoesByTimestampWhenTheRowIsGoneOnOneSide() {
        Conflicts c = Conflicts.update(row("id", 1, "qty", 1), row("id", 1, "qty", 2), 2000).type(ConflictType.UPDATE_MISSING_ROW)
            .deletedLocally(row("id", 1, "qty", 1));
        assertEquals(Resolution.APPLY_REMOTE, DELTA.resolve(c.build()));
        assertEquals(Resolution.KEEP_LOCAL, DELTA.resolve(c.localAt(3000).build()));
    }

    @Test
    void deltaWorksTheSameAtTransactionScope() {
        Conflicts c = Conflicts.update(row("id", 1, "qty", 10), row("id", 1, "qty", 13), 2000).local(row("id", 1, "qty", 15))
            .scope(ConflictScope.TRANSACTION);
        assertEquals(18L, ((Number) merged(DELTA, c).row().get("qty")).longValue());
    }

    @Test
    void deltaNeedsItsColumnsAndNothingElse() {
        DeltaResolver registered = new DeltaResolver();
        assertThrows(IllegalArgumentException.class, () -> registered.withParameters(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> registered.withParameters(Map.of("columns", List.of())));
        var e = assertThrows(IllegalArgumentException.class, () -> registered.withParameters(Map.of("colums", List.of("qty"))));
        assertTrue(e.getMessage().contains("colums"), e.getMessage());
    }

    @Test
    void deltaRefusesACounterColumnTheRowDoesNotHave() {
        Conflicts c = Conflicts.update(row("id", 1, "n", 1), row("id", 1, "n", 2), 2000).local(row("id", 1, "n", 3));
        assertThrows(IllegalArgumentException.class, () -> DELTA.resolve(c.build()));
    }

    @Test
    void mergingResolversSaySo() {
        assertTrue(new ColumnMergeResolver().merges());
        assertTrue(DELTA.merges());
    }
}
