package dev.converge.node.bench;

import java.util.Arrays;

/** Medians and percentiles of a handful of runs or of many lag samples: a sorted copy is all they need. */
final class Stats {
    private Stats() {}

    static double median(double[] values) {
        return percentile(values, 50);
    }

    /** The nearest-rank percentile ({@code p} in 0..100) of the values; 0 when there are none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
