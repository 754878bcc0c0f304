package dev.converge.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HybridClockTest {
    static final long NOON = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();

    @Test
    void followsTheWallClockWhenItMovesForward() {
        ManualTimeSource wall = new ManualTimeSource(NOON);
        HybridClock clock = new HybridClock(wall, HybridTimestamp.ZERO);

        assertEquals(HybridTimestamp.ofMillis(NOON), clock.now());
        wall.advance(5);
        assertEquals(HybridTimestamp.ofMillis(NOON + 5), clock.now());
    }

    @Test
    void countsWithinAMillisecond() {
        HybridClock clock = new HybridClock(new ManualTimeSource(NOON), HybridTimestamp.ZERO);

        assertEquals(new HybridTimestamp(NOON, 0), clock.now());
        assertEquals(new HybridTimestamp(NOON, 1), clock.now());
        assertEquals(new HybridTimestamp(NOON, 2), clock.now());
    }

    @Test
    void staysMonotonicWhenTheWallClockGoesBackwards() {
        ManualTimeSource wall = new ManualTimeSource(NOON);
        HybridClock clock = new HybridClock(wall, HybridTimestamp.ZERO);
        HybridTimestamp before = clock.now();

        wall.set(NOON - Duration.ofMinutes(10).toMillis());
        HybridTimestamp afterJump = clock.now();
        HybridTimestamp next = clock.now();

        assertTrue(afterJump.compareTo(before) > 0, () -> afterJump + " should follow " + before);
        assertTrue(next.compareTo(afterJump) > 0, () -> next + " should follow " + afterJump);
        assertEquals(NOON, next.physicalMillis(), "while the wall clock lags, the physical part holds");
    }

    @Test
    void aNodeFiveMinutesBehindIssuesALaterTimestampAfterObservingAPeer() {
        HybridClock peer = new HybridClock(new ManualTimeSource(NOON + Duration.ofMinutes(5).toMillis()), HybridTimestamp.ZERO);
        HybridClock node = new HybridClock(new ManualTimeSource(NOON), HybridTimestamp.ZERO);
        HybridTimestamp seen = peer.now();

        assertTrue(node.now().compareTo(seen) < 0, "without observing, the lagging node's clock is behind the peer's");
        node.observe(seen);
        HybridTimestamp mine = node.now();

        assertTrue(mine.compareTo(seen) > 0, () -> "after observing " + seen + " the node issued " + mine);
    }

    @Test
    void observingAnOlderTimestampDoesNotLowerTheFloor() {
        HybridClock clock = new HybridClock(new ManualTimeSource(NOON), HybridTimestamp.ZERO);
        HybridTimestamp issued = clock.now();

        clock.observe(HybridTimestamp.ofMillis(NOON - 1));

        assertEquals(issued, clock.floor());
    }

    @Test
    void aRestoredFloorAheadOfTheWallClockIsRespected() {
        HybridTimestamp restored = new HybridTimestamp(NOON + 60_000, 7);
        HybridClock clock = new HybridClock(new ManualTimeSource(NOON), restored);

        assertEquals(restored, clock.floor());
        assertEquals(new HybridTimestamp(NOON + 60_000, 8), clock.now());
    }

    @Test
    void theFloorIsTheLastTimestampIssued() {
        HybridClock clock = new HybridClock(new ManualTimeSource(NOON), HybridTimestamp.ZERO);
        HybridTimestamp issued = clock.now();

        assertEquals(issued, clock.floor());
    }

    @Test
    void stampTakesTheLaterOfTheWallClockAndTheFloor() {
        HybridTimestamp floor = new HybridTimestamp(NOON, 4);

        assertEquals(new HybridTimestamp(NOON, 5), HybridClock.stamp(NOON, floor), "same millisecond: count on");
        assertEquals(new HybridTimestamp(NOON, 5), HybridClock.stamp(NOON - 1, floor), "wall behind: count on");
        assertEquals(HybridTimestamp.ofMillis(NOON + 1), HybridClock.stamp(NOON + 1, floor), "wall ahead: follow it");
        assertEquals(HybridTimestamp.ofMillis(NOON + 1),
            HybridClock.stamp(NOON, new HybridTimestamp(NOON, HybridTimestamp.MAX_LOGICAL)), "counter overflow carries");
    }

    @Test
    void concurrentCallersGetDistinctIncreasingTimestamps() throws Exception {
        HybridClock clock = new HybridClock(new ManualTimeSource(NOON), HybridTimestamp.ZERO);
        int threads = 8;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<HybridTimestamp>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<HybridTimestamp> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        mine.add(clock.now());
                    }
                    return mine;
                }));
            }
            start.countDown();
            Set<HybridTimestamp> all = new HashSet<>();
            for (Future<List<HybridTimestamp>> result : results) {
                List<HybridTimestamp> mine = result.get(30, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i).compareTo(mine.get(i - 1)) > 0, "each thread sees increasing timestamps");
                }
                all.addAll(mine);
            }
            assertEquals(threads * perThread, all.size(), "no timestamp is issued twice");
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------ HybridTimestamp's text and packed forms

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-25T12:00:00Z", "2026-11-25T12:00:00Z+3", "2026-11-25T12:00:00.123Z+65535",
        "1970-01-01T00:00:00Z"})
    void toStringReadsBack(String text) {
        assertEquals(text, HybridTimestamp.parse(text).toString());
    }

    @Test
    void parseReadsTheCounter() {
        assertEquals(new HybridTimestamp(NOON, 3), HybridTimestamp.parse("2026-11-25T12:00:00Z+3"));
        assertEquals(new HybridTimestamp(NOON, 0), HybridTimestamp.parse(" 2026-11-25T12:00:00Z "));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "12:00", "2026-11-25", "2026-11-25T12:00:00Z+", "2026-11-25T12:00:00Z+x",
        "2026-11-25T12:00:00Z+65536", "2026-11-25T12:00:00Z+-1", "2026-11-25T12:00:00Z 3", "1969-12-31T23:59:59Z"})
    void parseRejectsWhatIsNotATimestamp(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HybridTimestamp.parse(text));
        assertTrue(e.getMessage().contains("not a hybrid timestamp"), e::getMessage);
    }

    @Test
    void thePackedFormReadsBack() {
        HybridTimestamp t = new HybridTimestamp(NOON, 42);

        assertEquals((NOON << 16) | 42, t.asLong());
        assertEquals(t, HybridTimestamp.fromLong(t.asLong()));
    }

    @Test
    void fromLongRejectsANegativeLong() {
        assertThrows(IllegalArgumentException.class, () -> HybridTimestamp.fromLong(-1));
    }
}
