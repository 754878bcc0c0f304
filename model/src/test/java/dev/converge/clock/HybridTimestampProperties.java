package dev.converge.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The packed {@code long} form is what SQL stores and compares: it must order, read back and step as the record. */
class HybridTimestampProperties {
    static final long MAX_MILLIS = (1L << 47) - 1;

    @Provide
    Arbitrary<HybridTimestamp> timestamps() {
        return Combinators.combine(Arbitraries.longs().between(0, MAX_MILLIS),
            Arbitraries.integers().between(0, HybridTimestamp.MAX_LOGICAL)).as(HybridTimestamp::new);
    }

    /** Pairs that often share the millisecond, so that the counter decides. */
    @Provide
    Arbitrary<HybridTimestamp> closeTimestamps() {
        return Combinators.combine(Arbitraries.longs().between(1_795_000_000_000L, 1_795_000_000_003L),
            Arbitraries.integers().between(0, HybridTimestamp.MAX_LOGICAL)).as(HybridTimestamp::new);
    }

    @Property(tries = 500)
    void compareToAgreesWithThePackedLong(@ForAll("timestamps") HybridTimestamp a, @ForAll("timestamps") HybridTimestamp b) {
        assertEquals(Integer.signum(Long.compare(a.asLong(), b.asLong())), Integer.signum(a.compareTo(b)));
    }

    @Property(tries = 500)
    void compareToAgreesWithThePackedLongWithinAMillisecond(@ForAll("closeTimestamps") HybridTimestamp a,
                                                            @ForAll("closeTimestamps") HybridTimestamp b) {
        assertEquals(Integer.signum(Long.compare(a.asLong(), b.asLong())), Integer.signum(a.compareTo(b)));
    }

    @Property(tries = 500)
    void thePackedFormReadsBack(@ForAll("timestamps") HybridTimestamp t) {
        assertEquals(t, HybridTimestamp.fromLong(t.asLong()));
    }

    @Property(tries = 500)
    void theTextFormReadsBack(@ForAll("timestamps") HybridTimestamp t) {
        assertEquals(t, HybridTimestamp.parse(t.toString()));
    }

    @Property(tries = 500)
    void nextIsPlusOneInThePackedForm(@ForAll("timestamps") HybridTimestamp t) {
        if (t.physicalMillis() < MAX_MILLIS || t.logical() < HybridTimestamp.MAX_LOGICAL) {
            assertEquals(t.asLong() + 1, t.next().asLong());
        }
    }

    /**
     * The rule on the packed form the database stores ({@code cv_outbox.ts} holds {@code wall_ms << 16},
     * {@code cv_clock.floor_ts} the floor): {@code greatest(wall_ms << 16, floor + 1)}. No SQL computes it any more (the
     * sequencer calls {@link HybridClock#stamp}); this pins what the packed values mean.
     */
    @Property(tries = 500)
    void stampIsTheGreaterOfWallAndFloorPlusOneOnThePackedForm(@ForAll("closeTimestamps") HybridTimestamp floor,
                                             @ForAll("wallClocks") long wallMillis) {
        assertEquals(Math.max(wallMillis << 16, floor.asLong() + 1), HybridClock.stamp(wallMillis, floor).asLong());
    }

    @Provide
    Arbitrary<Long> wallClocks() {
        return Arbitraries.longs().between(1_795_000_000_000L - 2, 1_795_000_000_005L);
    }
}
