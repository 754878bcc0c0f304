package dev.converge.node.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final AtomicLong nanos = new AtomicLong();
    private final ProgressBar bar = new ProgressBar(nanos::get);

    @Test
    void aTerminalGetsABarWithRateAndTimeLeft() {
        bar.step("item: summing", 1_000_000);
        nanos.addAndGet(4_000_000_000L);
        bar.done(400_000);
        assertEquals("item: summing [########............]  40%  400,000/1,000,000 rows  100,000 rows/s  ETA 6s", bar.line(true));
    }

    @Test
    void elsewhereTheSameInWords() {
        bar.step("item: summing", 1_000_000);
        nanos.addAndGet(100_000_000_000L);
        bar.done(250_000);
        assertEquals("item: summing: 250,000 of 1,000,000 rows (25%), 2,500 rows/s, about 5m00s left", bar.line(false));
    }

    @Test
    void aStepThatCountsNoRowsShowsWhatItDoes() {
        bar.step("waiting for A and B", 0);
        assertEquals("waiting for A and B", bar.line(true));
        bar.step("item: listing", 10);
        bar.done(10);
        assertEquals("item: listing: 10 of 10 rows (100%), 10,000 rows/s", bar.line(false), "done: no time left to show");
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertEquals("59s", ProgressBar.duration(59));
        assertEquals("1m05s", ProgressBar.duration(65));
        assertEquals("2h03m", ProgressBar.duration(2 * 3600 + 3 * 60 + 9));
    }
}
