package dev.converge.workbench.web.dashboard;

import dev.converge.conflict.ConflictBucket;
import dev.converge.workbench.web.view.ChartBar;
import dev.converge.workbench.web.view.ChartLabel;
import dev.converge.workbench.web.view.ChartView;
import dev.converge.workbench.web.view.LegendEntry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays out conflicts over time ({@link ConflictBucket}s) as a stacked bar chart for SVG: one bar per hour or day of the
 * window, one colour per table, a round scale, a label every few bars. Drawn on the server, so the page needs no
 * script. Pure; thread-safe.
 */
public final class ConflictChart {
    static final int WIDTH = 760;
    static final int HEIGHT = 260;
    static final int LEFT = 48;
    static final int RIGHT = 12;
    static final int TOP = 12;
    static final int BOTTOM = 36;
    /** Colours that stay apart for the common kinds of colour blindness (Okabe and Ito). */
    static final List<String> COLORS = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000");

    private ConflictChart() {
    }

    /**
     * The chart of {@code buckets} over the {@code count} hours or days ({@code unit}) that end with the one holding
     * {@code end}.
     */
    public static ChartView of(List<ConflictBucket> buckets, Instant end, ChronoUnit unit, int count) {
        Instant last = end.truncatedTo(unit);
        Instant first = last.minus(count - 1L, unit);
        Map<String, String> colors = new LinkedHashMap<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        Map<Instant, Map<String, Long>> byStart = new TreeMap<>();
        buckets.stream().map(ConflictBucket::table).distinct().sorted().forEach(t -> colors.put(t, COLORS.get(colors.size() % COLORS.size())));
        for (ConflictBucket b : buckets) {
            byStart.computeIfAbsent(b.start(), k -> new LinkedHashMap<>()).merge(b.table(), b.count(), Long::sum);
            totals.merge(b.table(), b.count(), Long::sum);
        }
        long max = byStart.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max().orElse(0);
        long top = roundUp(Math.max(max, 1));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = (double) plotWidth / count;
        int barWidth = Math.max(1, (int) Math.floor(slot * 0.8));
        List<ChartBar> bars = new ArrayList<>();
        List<ChartLabel> labels = new ArrayList<>();
        DateTimeFormatter label = DateTimeFormatter.ofPattern(unit == ChronoUnit.HOURS ? "HH:mm" : "MM-dd").withZone(ZoneOffset.UTC);
        DateTimeFormatter full = DateTimeFormatter.ofPattern(unit == ChronoUnit.HOURS ? "yyyy-MM-dd HH:00" : "yyyy-MM-dd").withZone(ZoneOffset.UTC);
        int every = Math.max(1, count / 8);
        for (int i = 0; i < count; i++) {
            Instant start = first.plus(i, unit);
            int x = LEFT + (int) Math.round(i * slot + (slot - barWidth) / 2);
            int y = TOP + plotHeight;
            for (Map.Entry<String, Long> e : byStart.getOrDefault(start, Map.of()).entrySet()) {
                int h = (int) Math.round((double) e.getValue() / top * plotHeight);
                if (h == 0) {
                    h = 1; // a single conflict among thousands still shows
                }
                y -= h;
                bars.add(new ChartBar(x, y, barWidth, h, colors.get(e.getKey()), full.format(start) + " UTC · " + e.getKey() + ": "
                    + e.getValue() + (e.getValue() == 1 ? " conflict" : " conflicts")));
            }
            if (i % every == 0 || i == count - 1) {
                labels.add(new ChartLabel(x + barWidth / 2, HEIGHT - BOTTOM + 16, label.format(start), "middle"));
            }
        }
        List<Integer> grid = new ArrayList<>();
        for (int k = 0; k <= 4; k++) {
            long value = top * k / 4;
            int y = TOP + plotHeight - (int) Math.round((double) value / top * plotHeight);
            grid.add(y);
            labels.add(new ChartLabel(LEFT - 6, y + 4, Long.toString(value), "end"));
        }
        List<LegendEntry> legend = new ArrayList<>();
        colors.forEach((t, c) -> legend.add(new LegendEntry(t, c, totals.get(t))));
        String caption = "Conflicts detected on this node per " + (unit == ChronoUnit.HOURS ? "hour" : "day") + " and table, "
            + full.format(first) + " to " + full.format(last) + " UTC";
        return new ChartView(WIDTH, HEIGHT, bars, labels, grid, LEFT, WIDTH - RIGHT, legend, caption, buckets.isEmpty());
    }

    /** The scale's top: the first of 4, 8, 20, 40, 80, 200, ... at or above {@code n} (its quarters are whole numbers). */
    static long roundUp(long n) {
        long p = 1;
        while (true) {
            for (long m : new long[] {4, 8, 20}) {
                if (m * p >= n) {
                    return m * p;
                }
            }
            p *= 10;
        }
    }
}
