package dev.converge.conflict;

import java.time.Instant;
import java.util.Objects;

/**
 * How many conflicts this node detected on one table within one hour or day (see
 * {@code Node.conflictsOverTime(Instant, Instant, ChronoUnit)}): the workbench's chart of conflicts over time.
 *
 * @param table the table, as configured
 * @param start the bucket's first instant (UTC, truncated to the hour or the day)
 * @param count conflicts detected in it
 */
public record ConflictBucket(String table, Instant start, long count) {
    public ConflictBucket {
        Objects.requireNonNull(table);
        Objects.requireNonNull(start);
    }
}
