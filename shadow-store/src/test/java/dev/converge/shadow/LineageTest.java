package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LineageTest {
    private static final List<Object> KEY = List.of(1);

    @Test
    void membershipIsReadFromTheHistoryVector() {
        Lineage l = new Lineage(Lineage.history("A", 5, Map.of("B", 3L)), List.of());
        assertTrue(l.holds("A", 5));
        assertTrue(l.holds("B", 2));
        assertFalse(l.holds("B", 4));
        assertFalse(l.holds("C", 1));
    }

    @Test
    void aWriteListedTwiceIsOneWrite() {
        Lineage.Entry e = new Lineage.Entry("A", 1, 100, false);
        assertEquals(List.of(e), new Lineage(Map.of(), List.of(e, e)).writes());
    }

    /** Only a write both in the content's history and at or below the horizon goes. */
    @Test
    void trimmingForgetsOnlyWhatEveryPeerSawAndTheContentHolds() {
        Lineage.Entry seenByAll = new Lineage.Entry("A", 1, 100, false);
        Lineage.Entry notYet = new Lineage.Entry("A", 2, 200, false);
        Lineage.Entry loser = new Lineage.Entry("B", 1, 150, false);
        Lineage l = new Lineage(Map.of("A", 2L), List.of(seenByAll, notYet, loser));
        Lineage t = l.trimmed(origin -> origin.equals("A") ? 1 : 9);
        assertEquals(List.of(notYet, loser), t.writes(), "B's write lost here: not in the content's history, kept whatever the horizon");
        assertEquals(l.seen(), t.seen());
    }

    @Test
    void aVersionWithoutLineageStandsForItsOwnWrites() {
        RowVersion v = RowVersion.tombstone(KEY, 300, "B", 4, "{}");
        Lineage l = Lineage.of(Optional.of(v));
        assertEquals(List.of(new Lineage.Entry("B", 4, 300, true)), l.writes());
        assertTrue(l.holds("B", 4));
        assertEquals(Lineage.NONE, Lineage.of(Optional.empty()));
    }

    @Test
    void theLineageTravelsInTheVersionDetail() {
        Lineage l = new Lineage(Map.of("A", 2L, "B", 7L), List.of(new Lineage.Entry("A", 2, 200, false), new Lineage.Entry("B", 7, 250, true)));
        RowVersion v = RowVersion.live(KEY, 200, "A", 2).withLineage(l);
        String json = VersionDetail.json(v).orElseThrow();
        assertEquals(l, VersionDetail.parse(json).lineage());
        assertEquals(l, Lineage.fromJson(l.toJson()));
        assertTrue(VersionDetail.json(RowVersion.live(KEY, 200, "A", 2)).isEmpty(), "no lineage, no detail");
    }
}
