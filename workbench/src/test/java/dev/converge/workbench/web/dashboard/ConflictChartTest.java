package dev.converge.workbench.web.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.conflict.ConflictBucket;
import dev.converge.workbench.web.view.ChartBar;
import dev.converge.workbench.web.view.ChartView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's layout: one stacked bar per bucket with conflicts, heights in proportion, a round scale, the legend. */
class ConflictChartTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:30:00Z");

    @Test
    void barsStackPerHourInProportionOnARoundScale() {
        Instant h10 = Instant.parse("2026-12-02T10:00:00Z");
        Instant h09 = Instant.parse("2026-12-02T09:00:00Z");
        ChartView chart = ConflictChart.of(List.of(new ConflictBucket("item", h09, 5), new ConflictBucket("item", h10, 6),
            new ConflictBucket("supplier", h10, 2)), NOW, ChronoUnit.HOURS, 24);
        assertEquals(3, chart.bars().size(), "One rectangle per table and hour with conflicts.");
        int plot = ConflictChart.HEIGHT - ConflictChart.TOP - ConflictChart.BOTTOM;
        ChartBar item10 = chart.bars().get(1);
        ChartBar supplier10 = chart.bars().get(2);
        assertEquals(Math.round(6.0 / 8 * plot), item10.height(), "The scale tops at 8 (the next round number above 8 conflicts).");
        assertEquals(item10.x(), supplier10.x(), "The two tables of one hour stack in one bar.");
        assertEquals(item10.y() - supplier10.height(), supplier10.y(), "... one on top of the other.");
        assertTrue(chart.bars().get(0).x() < item10.x(), "Earlier hours are further left.");
        assertTrue(item10.x() + item10.width() <= ConflictChart.WIDTH - ConflictChart.RIGHT, "The last hour is the rightmost slot, inside the plot.");
        assertEquals("2026-12-02 10:00 UTC · item: 6 conflicts", item10.title());
        assertEquals(List.of("item", "supplier"), chart.legend().stream().map(e -> e.table()).toList());
        assertEquals(11, chart.legend().get(0).total());
        assertEquals(List.of(4L, 4L, 8L, 20L, 20L, 40L, 200L), List.of(1L, 4L, 5L, 9L, 20L, 21L, 101L).stream().map(ConflictChart::roundUp).toList());
    }

    @Test
    void anEmptyPeriodSaysSo() {
        ChartView chart = ConflictChart.of(List.of(), NOW, ChronoUnit.DAYS, 7);
        assertTrue(chart.empty() && chart.bars().isEmpty());
        assertTrue(chart.caption().contains("2026-11-26 to 2026-12-02"), chart.caption());
    }
}
