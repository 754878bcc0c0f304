package dev.converge.backlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.model.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The limit's verdicts and wording, and the advice a mark gives, without a database. */
class BacklogLimitTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void theFirstBoundReachedCountsAndSaysWhich() {
        BacklogLimit both = new BacklogLimit(OptionalLong.of(1000), Optional.of(Duration.ofHours(2)));
        assertEquals(Optional.empty(), both.exceededBy(1000, Optional.of(NOW.minus(Duration.ofHours(2))), NOW), "at a bound is within it");
        assertEquals(Optional.of("its backlog grew past max_backlog_rows=1000 (1001 rows)"), both.exceededBy(1001, Optional.of(NOW), NOW));
        assertEquals(Optional.of("it was away longer than max_backlog_age=2h"),
            both.exceededBy(5000, Optional.of(NOW.minus(Duration.ofHours(3))), NOW), "age is named first when both are past");
        assertEquals(Optional.empty(), BacklogLimit.NONE.exceededBy(Long.MAX_VALUE, Optional.of(Instant.EPOCH), NOW));
        assertEquals(Optional.empty(), both.exceededBy(0, Optional.empty(), NOW), "nothing waiting is never too old");
    }

    @Test
    void durationsAreWrittenAsTheConfigurationWritesThem() {
        assertEquals("7d", BacklogLimit.text(Duration.ofDays(7)));
        assertEquals("90m", BacklogLimit.text(Duration.ofMinutes(90)));
        assertEquals("45s", BacklogLimit.text(Duration.ofSeconds(45)));
        assertEquals("1500ms", BacklogLimit.text(Duration.ofMillis(1500)));
    }

    @Test
    void badBoundsAreRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> new BacklogLimit(OptionalLong.of(0), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new BacklogLimit(OptionalLong.empty(), Optional.of(Duration.ZERO)));
    }

    @Test
    void theAdviceNamesTheCommandToRunOnTheMarkedPeer() {
        ResyncMark mark = new ResyncMark(NodeId.of("C"), NodeId.of("A"), Instant.parse("2026-12-02T10:00:00.345Z"),
            "it was away longer than max_backlog_age=2h");
        assertEquals("peer C is marked for resync since 2026-12-02T10:00:00Z: it was away longer than max_backlog_age=2h;"
            + " on C run `converge resync --from A`", mark.advice());
    }
}
