package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The version algebra: merging the same concurrent writes gives the same version whatever the order (the peers
 * receive them in different orders), a version is seen exactly by a write that saw each of its writes, and the
 * stored detail reads back equal.
 */
class RowVersionProperties {
    static final List<Object> KEY = List.of(1);
    static final List<String> COLUMNS = List.of("K", "V", "W");
    /** Everyone had seen this write of A (sequence 1) before the concurrent ones. */
    static final RowVersion BASE = RowVersion.live(KEY, 100, "A", 1);

    /** One of several concurrent writes, each of another origin, all made after seeing {@link #BASE}. */
    record Concurrent(String origin, long sequence, long timestamp, Set<String> changed) {
        RowVersion version() {
            return RowVersion.live(KEY, timestamp, origin, sequence);
        }

        Map<String, Long> dependencies() {
            return Map.of("A", 1L);
        }
    }

    @Provide
    Arbitrary<List<Concurrent>> concurrentWrites() {
        Arbitrary<Concurrent> one = Combinators.combine(Arbitraries.longs().between(1, 5), Arbitraries.longs().between(101, 104),
            Arbitraries.subsetOf(COLUMNS).ofMinSize(1)).as((seq, ts, changed) -> new Concurrent("?", seq + 1, ts, changed));
        return one.list().ofMinSize(2).ofMaxSize(4).map(ws -> {
            List<Concurrent> out = new ArrayList<>();
            for (int i = 0; i < ws.size(); i++) {
                Concurrent w = ws.get(i);
                // origin A too: its new write is concurrent with the others and saw its own earlier one
                out.add(new Concurrent(List.of("A", "B", "C", "D").get(i), w.sequence(), w.timestamp(), w.changed()));
            }
            return out;
        });
    }

    /** What a peer holds after receiving the writes in this order: the first applies cleanly, the rest are merged. */
    static RowVersion receive(List<Concurrent> order, List<String> columns) {
        Concurrent first = order.get(0);
        RowVersion v = RowVersion.followed(Optional.of(BASE), first.version(), first.changed(), columns);
        for (Concurrent w : order.subList(1, order.size())) {
            assertFalse(v.seenBy(w.origin(), w.dependencies()), "a concurrent write is taken as having seen " + v);
            v = RowVersion.merged(Optional.of(v), w.version(), w.dependencies(), w.changed(), columns);
        }
        return v;
    }

    @Property(tries = 300)
    void mergingConcurrentWritesInAnyOrderGivesOneVersion(@ForAll("concurrentWrites") List<Concurrent> writes,
                                                          @ForAll java.util.Random random) {
        List<Concurrent> shuffled = new ArrayList<>(writes);
        java.util.Collections.shuffle(shuffled, random);
        assertEquals(receive(writes, COLUMNS), receive(shuffled, COLUMNS));
        assertEquals(receive(writes, List.of()), receive(shuffled, List.of()));
    }

    @Property(tries = 300)
    void aMergedVersionHoldsEveryWriteAndTheLatestStampOfEachColumn(@ForAll("concurrentWrites") List<Concurrent> writes) {
        RowVersion v = receive(writes, COLUMNS);
        Map<String, RowVersion.Write> all = v.writes();
        assertEquals(writes.size(), all.size(), "one write per origin: " + v);
        writes.forEach(w -> assertEquals(new RowVersion.Write(w.sequence(), w.timestamp()), all.get(w.origin())));
        for (String c : COLUMNS) {
            RowVersion.ColumnStamp expected = writes.stream().filter(w -> w.changed().contains(c))
                .map(w -> new RowVersion.ColumnStamp(w.timestamp(), w.origin(), w.sequence())).max(RowVersion.ColumnStamp::compareTo)
                .orElse(BASE.latest());
            assertEquals(expected, v.stampOf(c), "column " + c + " of " + v);
        }
        // a write that saw all of them (made at any of their origins after the others arrived) saw the merge
        Concurrent anyOne = writes.get(0);
        Map<String, Long> sawAll = new java.util.HashMap<>();
        writes.forEach(w -> sawAll.put(w.origin(), w.sequence()));
        assertTrue(v.seenBy(anyOne.origin(), sawAll));
        // one that missed any of them (other than its own origin's) did not
        for (Concurrent missed : writes) {
            Map<String, Long> deps = new java.util.HashMap<>(sawAll);
            deps.put(missed.origin(), missed.sequence() - 1);
            assertFalse(v.seenBy("E", deps), "a write that missed " + missed + " saw " + v);
        }
    }

    @Property(tries = 200)
    void detailReadsBackEqual(@ForAll("concurrentWrites") List<Concurrent> writes) {
        RowVersion v = receive(writes, COLUMNS);
        VersionDetail.Parsed back = VersionDetail.parse(VersionDetail.json(v).orElse(null));
        assertEquals(v.concurrent(), back.writes());
        assertEquals(v.columns(), back.columns());
    }

    @Test
    void aWriteThatSawTheRowReplacesItsWritesAndKeepsTheStampsOfColumnsItLeftAlone() {
        RowVersion merged = receive(List.of(new Concurrent("B", 2, 101, Set.of("V")), new Concurrent("C", 3, 102, Set.of("W"))), COLUMNS);
        RowVersion next = RowVersion.followed(Optional.of(merged), RowVersion.live(KEY, 110, "B", 3), Set.of("V"), COLUMNS);
        assertEquals(Map.of(), next.concurrent());
        assertEquals(Map.of("K", BASE.latest(), "W", new RowVersion.ColumnStamp(102, "C", 3)), next.columns());
        assertTrue(VersionDetail.json(RowVersion.live(KEY, 1, "A", 1)).isEmpty(), "a row of one write stores no detail");
        RowVersion fresh = RowVersion.followed(Optional.empty(), RowVersion.live(KEY, 110, "B", 3), Set.of("V"), COLUMNS);
        assertEquals(RowVersion.ColumnStamp.BEFORE_REPLICATION, fresh.stampOf("W"), "a row from before replication");
    }
}
