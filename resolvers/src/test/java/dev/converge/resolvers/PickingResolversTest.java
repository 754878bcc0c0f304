package dev.converge.resolvers;

import static dev.converge.resolvers.Conflicts.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.converge.config.ConflictScope;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Resolution;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolvers that pick a side: what each picks, at row and at transaction scope alike (scope is the engine's business). */
class PickingResolversTest {
    private static final Conflicts LATER_REMOTE = Conflicts.update(row("id", 1, "a", "x"), row("id", 1, "a", "y"), 2000);
    private static final Conflicts EARLIER_REMOTE = LATER_REMOTE.localAt(3000);

    @Test
    void earliestTakesTheEarlierWrite() {
        assertEquals(Resolution.KEEP_LOCAL, new EarliestResolver().resolve(LATER_REMOTE.build()));
        assertEquals(Resolution.APPLY_REMOTE, new EarliestResolver().resolve(EARLIER_REMOTE.build()));
    }

    @Test
    void earliestBreaksExactTiesByPriorityThenNodeId() {
        Conflicts tie = LATER_REMOTE.localAt(2000);
        assertEquals(Resolution.APPLY_REMOTE, new EarliestResolver().resolve(tie.build()), "B > A");
        assertEquals(Resolution.KEEP_LOCAL, new EarliestResolver().resolve(tie.priorities(0, 5).build()), "the higher priority wins a tie");
        assertEquals(Resolution.KEEP_LOCAL, new EarliestResolver().resolve(tie.origins("A", "C").build()), "C > A");
    }

    @Test
    void sitePriorityTakesTheHigherPriorityWhateverTheTime() {
        assertEquals(Resolution.KEEP_LOCAL, new SitePriorityResolver().resolve(LATER_REMOTE.priorities(1, 2).build()));
        assertEquals(Resolution.APPLY_REMOTE, new SitePriorityResolver().resolve(EARLIER_REMOTE.priorities(2, 1).build()));
    }

    @Test
    void sitePriorityGoesByTimestampBetweenEqualPriorities() {
        assertEquals(Resolution.APPLY_REMOTE, new SitePriorityResolver().resolve(LATER_REMOTE.priorities(3, 3).build()));
        assertEquals(Resolution.KEEP_LOCAL, new SitePriorityResolver().resolve(EARLIER_REMOTE.priorities(3, 3).build()));
    }

    @Test
    void sitePriorityCountsARowFromBeforeReplicationAsPriorityZero() {
        assertEquals(Resolution.APPLY_REMOTE, new SitePriorityResolver().resolve(EARLIER_REMOTE.origins("B", null).priorities(1, 9).build()));
    }

    @Test
    void fixedAnswersWhateverTheConflict() {
        for (Conflicts c : List.of(LATER_REMOTE, EARLIER_REMOTE, Conflicts.delete(row("id", 1, "a", "x"), 500),
                LATER_REMOTE.type(ConflictType.UPDATE_MISSING_ROW).deletedLocally(row("id", 1, "a", "x")),
                LATER_REMOTE.scope(ConflictScope.TRANSACTION))) {
            assertEquals(Resolution.KEEP_LOCAL, new KeepLocalResolver().resolve(c.build()));
            assertEquals(Resolution.APPLY_REMOTE, new ApplyRemoteResolver().resolve(c.build()));
            assertEquals(Resolution.PARK, new ManualResolver().resolve(c.build()));
            assertEquals(Resolution.IGNORE, new IgnoreResolver().resolve(c.build()));
        }
    }

    @Test
    void deleteWinsAppliesAnIncomingDeleteOverALaterUpdate() {
        assertEquals(Resolution.APPLY_REMOTE, new DeleteWinsResolver().resolve(Conflicts.delete(row("id", 1, "a", "x"), 500).build()));
    }

    @Test
    void deleteWinsKeepsALocalDeleteAgainstALaterUpdate() {
        Conflicts c = LATER_REMOTE.type(ConflictType.UPDATE_MISSING_ROW).deletedLocally(row("id", 1, "a", "x"));
        assertEquals(Resolution.KEEP_LOCAL, new DeleteWinsResolver().resolve(c.build()));
    }

    @Test
    void deleteWinsGoesByTimestampBetweenUpdates() {
        assertEquals(Resolution.APPLY_REMOTE, new DeleteWinsResolver().resolve(LATER_REMOTE.build()));
        assertEquals(Resolution.KEEP_LOCAL, new DeleteWinsResolver().resolve(EARLIER_REMOTE.build()));
    }

    @Test
    void onlyTheMergingResolversMerge() {
        for (ConflictResolver r : List.of(new EarliestResolver(), new SitePriorityResolver(), new KeepLocalResolver(),
                new ApplyRemoteResolver(), new DeleteWinsResolver(), new ManualResolver(), new IgnoreResolver())) {
            assertFalse(r.merges(), r.name());
        }
    }
}
