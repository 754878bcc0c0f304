package dev.converge.node.progress;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of one step of long work over rows: what the step is, how many rows it has done of how many, how fast,
 * and how long it still needs. Drawn as a bar on a terminal, as words elsewhere:
 * <pre>
 * items: summing 4096 key ranges [########............]  41%  412,000/1,000,000 rows  85,312 rows/s  ETA 7s
 * items: summing 4096 key ranges: 412,000 of 1,000,000 rows (41%), 85,312 rows/s, about 7 s left
 * </pre>
 * Rows per second are measured since the step began; a step that does not count rows shows what it waits for.
 *
 * <p>Thread-safe: the worker updates it, a {@link LiveLine} reads it (volatile fields; a line may mix two updates).
 */
public final class ProgressBar {
    private static final int WIDTH = 20;

    private final LongSupplier nanos;
    private volatile String step = "starting";
    private volatile long total;
    private volatile long done;
    private volatile long began;

    /** @param nanos the clock ({@code System::nanoTime}; tests pass their own) */
    public ProgressBar(LongSupplier nanos) {
        this.nanos = nanos;
        this.began = nanos.getAsLong();
    }

    public ProgressBar() {
        this(System::nanoTime);
    }

    /** A new step over {@code total} rows (0: it does not count rows). */
    public void step(String what, long total) {
        this.done = 0;
        this.total = total;
        this.began = nanos.getAsLong();
        this.step = what;
    }

    /** The step has done {@code rows} rows so far. */
    public void done(long rows) {
        this.done = rows;
    }

    /** The line: a bar if {@code terminal}, words otherwise. */
    public String line(boolean terminal) {
        String what = step;
        long n = done;
        long of = total;
        if (of <= 0) {
            return what;
        }
        double seconds = Math.max(1e-3, (nanos.getAsLong() - began) / 1e9);
        long rate = Math.round(n / seconds);
        long percent = Math.min(100, n * 100 / of);
        String eta = n == 0 || n >= of ? "" : duration(Math.round((of - n) / (n / seconds)));
        if (terminal) {
            int filled = (int) Math.min(WIDTH, n * WIDTH / of);
            return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %,d/%,d rows  %,d rows/s%s", what, "#".repeat(filled),
                ".".repeat(WIDTH - filled), percent, n, of, rate, eta.isEmpty() ? "" : "  ETA " + eta);
        }
        return String.format(Locale.ROOT, "%s: %,d of %,d rows (%d%%), %,d rows/s%s", what, n, of, percent, rate,
            eta.isEmpty() ? "" : ", about " + eta + " left");
    }

    /** {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
