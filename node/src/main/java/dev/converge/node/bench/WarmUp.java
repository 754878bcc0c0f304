package dev.converge.node.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rounds of a benchmark's own work, run before anything is timed until the JIT compiler has settled, their times
 * printed but not counted. A node runs for days; the first seconds of a fresh JVM compile the code it runs, and on a
 * 2-core machine the JIT's threads took a whole core for about 20 s after one bulk run (25 s of CPU during one
 * benchmark), and half a core throughout a 10-second OLTP run: a figure that included them would time the compiler
 * beside the replication. Settled means that the compiler took less than {@value #SETTLED_SHARE} of a round's time,
 * for at most {@code rounds} rounds; what it still compiles during the timed runs is told by {@link #compilerMillis}.
 *
 * <p>Confined to the benchmark's thread.
 */
final class WarmUp {
    /** The JIT compiler's share of a round's time below which the JVM counts as warm. */
    static final double SETTLED_SHARE = 0.10;

    /** One round; returns the figure printed for it ("2.31 s", "412 tx/s"). */
    interface Round {
        String run() throws SQLException;
    }

    private WarmUp() {
    }

    /**
     * Runs {@code round} until the compiler settles, at most {@code rounds} times; returns a line that says what was
     * run ({@code what}), each round's figure and compile time, and whether the compiler settled.
     */
    static String until(String what, int rounds, Round round) throws SQLException {
        List<String> figures = new ArrayList<>();
        boolean settled = false;
        for (int i = 0; i < rounds && !settled; i++) {
            long jit0 = compilerMillis();
            long t0 = System.nanoTime();
            String figure = round.run();
            double jit = (compilerMillis() - jit0) / 1e3;
            double total = (System.nanoTime() - t0) / 1e9;
            figures.add(String.format(Locale.ROOT, "%s (JIT %.1f s)", figure, jit));
            settled = jit < SETTLED_SHARE * total;
        }
        return String.format(Locale.ROOT, "warm-up, not counted: %s, %d round%s %s: %s", what, figures.size(), figures.size() == 1 ? "" : "s",
            settled ? "until the JIT compiler settled" : "(the most; the JIT compiler still busy)", String.join(", ", figures));
    }

    /** The JIT compiler's accumulated time, where the JVM reports it (0 where it does not). */
    static long compilerMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }
}
