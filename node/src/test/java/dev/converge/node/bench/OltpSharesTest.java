package dev.converge.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The OLTP mode's shares are taken within each run, so that the machine's drift between runs stays out of them. */
class OltpSharesTest {
    @Test
    void aShareIsTheMedianOfEachRunsOwnRatioNotARatioOfMediansFromDifferentRuns() {
        // the machine got faster run by run; Converge kept 30 %, 10 %, 10 % of each run's own rate
        double[] without = {1_000, 2_000, 3_000};
        double[] with = {300, 200, 300};
        assertEquals(0.10, OltpBenchmark.medianShare(with, without), 1e-9);
        // a ratio of the medians would have said 15 %: 300 from one run over 2,000 from another
        assertEquals(0.15, Stats.median(with) / Stats.median(without), 1e-9);
    }

    @Test
    void aRunWithoutARateCountsAsNothingKept() {
        assertEquals(0.0, OltpBenchmark.medianShare(new double[] {5}, new double[] {0}));
    }
}
