package dev.converge.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Medians and percentiles by nearest rank: the figures the benchmark prints. */
class StatsTest {
    @Test
    void nearestRankPercentilesOfUnsortedValues() {
        double[] v = {5, 1, 4, 2, 3};
        assertEquals(3, Stats.median(v));
        assertEquals(5, Stats.percentile(v, 99));
        assertEquals(1, Stats.percentile(v, 1));
        assertEquals(5, Stats.max(v));
        assertEquals(0, Stats.percentile(new double[0], 50));
        assertEquals(2, Stats.median(new double[] {3, 1, 2, 9}), "an even count takes the lower middle (nearest rank)");
    }
}
