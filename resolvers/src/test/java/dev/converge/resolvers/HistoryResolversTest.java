package dev.converge.resolvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Fork;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.Stamp;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code earliest}, {@code site-priority} and {@code delete-wins} decide by the writes each side made since the fork
 * when the engine offers them ({@link Conflict#fork}), whatever the two latest writes say.
 */
class HistoryResolversTest {
    private static final RowImage ROW = Conflicts.row("id", 1, "v", "x");

    @Test
    void theThreeCompareHistoriesAndTheOthersDoNot() {
        assertTrue(new EarliestResolver().comparesHistories());
        assertTrue(new SitePriorityResolver().comparesHistories());
        assertTrue(new DeleteWinsResolver().comparesHistories());
        for (ConflictResolver r : List.of(new KeepLocalResolver(), new ApplyRemoteResolver(), new ColumnMergeResolver(), new ManualResolver(),
            new IgnoreResolver())) {
            assertEquals(false, r.comparesHistories(), r.name());
        }
    }

    /** The local write (priority 1) followed one of priority 10: its side wins over an incoming write of priority 5. */
    @Test
    void sitePriorityCountsTheWriteALowPriorityWriteFollowed() {
        Fork fork = new Fork(List.of(w("L", 1, 3000, 1, false), w("H", 1, 1000, 10, false)), List.of(w("M", 1, 2000, 5, false)));
        assertEquals(Resolution.KEEP_LOCAL, new SitePriorityResolver().resolve(conflict(fork)));
        // without the fork, the two latest writes alone: 5 beats 1
        assertEquals(Resolution.APPLY_REMOTE, new SitePriorityResolver().resolve(Conflicts.update(ROW, ROW, 2000).priorities(5, 1).build()));
    }

    @Test
    void sitePriorityGoesByTheLatestBetweenEqualPriorities() {
        Fork fork = new Fork(List.of(w("A", 4, 3000, 5, false)), List.of(w("B", 2, 2000, 5, false), w("C", 7, 3500, 5, false)));
        assertEquals(Resolution.APPLY_REMOTE, new SitePriorityResolver().resolve(conflict(fork)));
    }

    /** The incoming side's first write since the fork is the earliest, though its latest is the later one. */
    @Test
    void earliestTakesTheSideWhoseFirstWriteSinceTheForkIsEarliest() {
        Fork fork = new Fork(List.of(w("C", 1, 2000, 0, false)), List.of(w("B", 1, 3000, 0, false), w("A", 1, 1000, 0, false)));
        assertEquals(Resolution.APPLY_REMOTE, new EarliestResolver().resolve(conflict(fork)));
    }

    @Test
    void earliestBreaksAnExactTieByPriorityThenNodeId() {
        Fork byPriority = new Fork(List.of(w("A", 1, 1000, 3, false)), List.of(w("B", 1, 1000, 2, false)));
        assertEquals(Resolution.KEEP_LOCAL, new EarliestResolver().resolve(conflict(byPriority)));
        Fork byId = new Fork(List.of(w("A", 1, 1000, 2, false)), List.of(w("B", 1, 1000, 2, false)));
        assertEquals(Resolution.APPLY_REMOTE, new EarliestResolver().resolve(conflict(byId)));
    }

    /** A re-inserted row: the local side's delete since the fork beats a later incoming update. */
    @Test
    void deleteWinsCountsADeleteBehindAReinsert() {
        Fork fork = new Fork(List.of(w("A", 1, 1000, 0, true), w("A", 2, 1100, 0, false)), List.of(w("B", 1, 5000, 0, false)));
        assertEquals(Resolution.KEEP_LOCAL, new DeleteWinsResolver().resolve(conflict(fork)));
    }

    @Test
    void deleteWinsTakesTheLaterOfTwoDeletesAndTheLaterWriteWithoutOne() {
        Fork deletes = new Fork(List.of(w("A", 1, 1000, 0, true)), List.of(w("B", 1, 900, 0, false), w("B", 2, 1200, 0, true)));
        assertEquals(Resolution.APPLY_REMOTE, new DeleteWinsResolver().resolve(conflict(deletes)));
        Fork updates = new Fork(List.of(w("A", 1, 1000, 0, false)), List.of(w("B", 1, 900, 0, false)));
        assertEquals(Resolution.KEEP_LOCAL, new DeleteWinsResolver().resolve(conflict(updates)));
    }

    /** A local row from before replication has no writes since the fork: every incoming write beats it. */
    @Test
    void aSideWithoutWritesSinceTheForkLoses() {
        Fork fork = new Fork(List.of(), List.of(w("B", 1, 5000, 0, false)));
        for (ConflictResolver r : List.of(new EarliestResolver(), new SitePriorityResolver(), new DeleteWinsResolver())) {
            assertEquals(Resolution.APPLY_REMOTE, r.resolve(conflict(fork)), r.name());
        }
    }

    private static Fork.Written w(String origin, long seq, long millis, int priority, boolean deleted) {
        return new Fork.Written(Stamp.of(HybridTimestamp.ofMillis(millis), NodeId.of(origin), seq), deleted, priority);
    }

    private static Conflict conflict(Fork fork) {
        Conflict c = Conflicts.update(ROW, ROW, 2000).build();
        return new Conflict(c.type(), c.table(), c.key(), c.remote(), c.remoteOrigin(), c.remotePriority(), c.local(), c.shadow(),
            c.localTimestamp(), c.localOrigin(), c.localPriority(), c.scope(), c.localVersion(), c.remoteSequence(), Optional.of(fork));
    }
}
