package dev.converge.conflict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Conflicts over time ({@link ConflictStore#countsOverTime} through {@code Node.conflictsOverTime}): grouped per table
 * and hour or day, within the window, on both databases. The records are {@link ConflictPageIT#records}: one a minute
 * from 10:00 on 2026-03-01, tables t0..t2 in turn.
 */
class ConflictBucketIT {
    static final Instant T0 = ConflictPageIT.T0;

    @AllDialects
    void countsPerTableAndHour(Dialect dialect) {
        Cluster c = ConflictPageIT.withRecords(dialect, "cbucket_hour", 150); // 10:00 .. 12:29
        List<ConflictBucket> hours = c.node("A").conflictsOverTime(T0, T0.plus(1, ChronoUnit.DAYS), ChronoUnit.HOURS);
        assertEquals(List.of(
            new ConflictBucket("t0", T0, 20), new ConflictBucket("t1", T0, 20), new ConflictBucket("t2", T0, 20),
            new ConflictBucket("t0", T0.plusSeconds(3600), 20), new ConflictBucket("t1", T0.plusSeconds(3600), 20),
            new ConflictBucket("t2", T0.plusSeconds(3600), 20),
            new ConflictBucket("t0", T0.plusSeconds(7200), 10), new ConflictBucket("t1", T0.plusSeconds(7200), 10),
            new ConflictBucket("t2", T0.plusSeconds(7200), 10)), hours,
            "Each hour holds sixty conflicts, twenty per table; the last half hour thirty.");
    }

    @AllDialects
    void countsPerDayWithinTheWindowOnly(Dialect dialect) {
        Cluster c = ConflictPageIT.withRecords(dialect, "cbucket_day", 150);
        Instant day = T0.truncatedTo(ChronoUnit.DAYS);
        List<ConflictBucket> days = c.node("A").conflictsOverTime(T0.plusSeconds(60 * 30), T0.plusSeconds(60 * 90), ChronoUnit.DAYS);
        assertEquals(List.of(new ConflictBucket("t0", day, 20), new ConflictBucket("t1", day, 20), new ConflictBucket("t2", day, 20)), days,
            "The window 10:30 to 11:30 holds sixty conflicts, counted on the day they fall in.");
        assertEquals(List.of(), c.node("A").conflictsOverTime(T0.minusSeconds(3600), T0, ChronoUnit.HOURS),
            "Nothing was detected before 10:00.");
        assertThrows(IllegalArgumentException.class, () -> c.node("A").conflictsOverTime(T0, T0.plusSeconds(60), ChronoUnit.MINUTES));
    }
}
