package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Fork;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.Lineage;
import dev.converge.shadow.RowVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LineagesTest {
    private static final List<Object> KEY = List.of(1);
    private static final RowImage ROW = RowImage.of(Map.of("id", 1, "v", "x"));

    /** B wrote 3 after applying A's 1; the row here holds A's 1, then C's 1 (which lost), and A's 2 as content. */
    private static final Lineage HERE = new Lineage(Map.of("A", 2L), List.of(new Lineage.Entry("A", 1, 100, false),
        new Lineage.Entry("C", 1, 150, false), new Lineage.Entry("A", 2, 200, false)));

    private static ChangeSet fromB(Change c) {
        return new ChangeSet(NodeId.of("B"), 3, c.timestamp(), Map.of(NodeId.of("A"), 1L), List.of(c));
    }

    private static Change update(long millis) {
        return new Change.Update("t", RowKey.of("id", 1), ROW, ROW, HybridTimestamp.ofMillis(millis));
    }

    @Test
    void theForkHoldsEachSidesWritesSinceTheSidesForked() {
        Change c = update(300);
        Fork fork = Lineages.fork(Optional.of(RowVersion.live(KEY, 200, "A", 2).withLineage(HERE)), fromB(c), c, o -> o.equals("A") ? 7 : 0);
        assertEquals(1, fork.local().size(), fork::toString);
        assertEquals(NodeId.of("A"), fork.local().get(0).stamp().origin().orElseThrow());
        assertEquals(2, fork.local().get(0).stamp().sequence());
        assertEquals(7, fork.local().get(0).priority());
        // B's write only: A's 1 is on both sides, C's 1 on neither (it lost here and B had not seen it)
        assertEquals(1, fork.remote().size(), fork::toString);
        assertEquals(NodeId.of("B"), fork.remote().get(0).stamp().origin().orElseThrow());
    }

    @Test
    void aWriteThatLostHereJoinsTheWritesAndLeavesTheContentsHistory() {
        Change c = update(300);
        RowVersion local = RowVersion.live(KEY, 200, "A", 2).withLineage(HERE);
        RowVersion after = Lineages.after(Optional.empty(), Optional.of(local), fromB(c), c, o -> 0).orElseThrow();
        assertEquals(HERE.seen(), after.lineage().seen());
        assertTrue(after.lineage().writes().contains(new Lineage.Entry("B", 3, c.timestamp().asLong(), false)));
        assertEquals("A", after.origin(), "the content's version stays");
    }

    @Test
    void aWriteThatWinsBringsItsHistory() {
        Change c = update(300);
        RowVersion won = RowVersion.live(KEY, c.timestamp().asLong(), "B", 3);
        RowVersion after = Lineages.after(Optional.of(won), Optional.of(RowVersion.live(KEY, 200, "A", 2).withLineage(HERE)), fromB(c), c,
            o -> 0).orElseThrow();
        assertEquals(Map.of("A", 1L, "B", 3L), after.lineage().seen());
        assertEquals(4, after.lineage().writes().size());
    }

    @Test
    void theHorizonTrimsWhatTheContentHoldsAndEveryPeerSaw() {
        Change c = update(300);
        RowVersion won = RowVersion.live(KEY, c.timestamp().asLong(), "B", 3);
        RowVersion after = Lineages.after(Optional.of(won), Optional.of(RowVersion.live(KEY, 200, "A", 2).withLineage(HERE)), fromB(c), c,
            o -> o.equals("A") ? 2 : 0).orElseThrow();
        // A's 1 goes (in B's history, seen by all); A's 2 stays (B had not seen it); C's 1 stays (lost); B's 3 stays
        assertEquals(List.of(new Lineage.Entry("A", 2, 200, false), new Lineage.Entry("B", 3, c.timestamp().asLong(), false),
            new Lineage.Entry("C", 1, 150, false)), after.lineage().writes());
    }
}
