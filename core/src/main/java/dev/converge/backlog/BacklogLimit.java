package dev.converge.backlog;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How far a peer may fall behind before it is marked for resync: by the captured rows of the ChangeSets it has not
 * acknowledged ({@code max_backlog_rows}), and/or by the age of the oldest of them ({@code max_backlog_age}). With both
 * set, the first bound reached counts; with neither, no peer is ever marked. Immutable.
 *
 * @param rows the most captured rows a peer's backlog may hold; empty: no bound by rows
 * @param age the oldest a peer's oldest unacknowledged ChangeSet may be; empty: no bound by age
 */
public record BacklogLimit(OptionalLong rows, Optional<Duration> age) {
    /** No bound: no peer is ever marked. */
    public static final BacklogLimit NONE = new BacklogLimit(OptionalLong.empty(), Optional.empty());

    public BacklogLimit {
        Objects.requireNonNull(rows);
        Objects.requireNonNull(age);
        if (rows.isPresent() && rows.getAsLong() < 1) {
            throw new IllegalArgumentException("max_backlog_rows must be at least 1, was " + rows.getAsLong());
        }
        if (age.isPresent() && (age.get().isNegative() || age.get().isZero())) {
            throw new IllegalArgumentException("max_backlog_age must be positive, was " + age.get());
        }
    }

    /** Whether any bound is set (a node checks nothing without one). */
    public boolean bounded() {
        return rows.isPresent() || age.isPresent();
    }

    /**
     * Why a backlog of {@code backlogRows} captured rows whose oldest ChangeSet was stamped at {@code oldest} is past
     * this limit at {@code now}, as the clause of a sentence; empty if it is not. Age is checked first: a peer away too
     * long is the usual case.
     */
    public Optional<String> exceededBy(long backlogRows, Optional<Instant> oldest, Instant now) {
        if (age.isPresent() && oldest.isPresent() && Duration.between(oldest.get(), now).compareTo(age.get()) > 0) {
            return Optional.of("it was away longer than max_backlog_age=" + text(age.get()));
        }
        if (rows.isPresent() && backlogRows > rows.getAsLong()) {
            return Optional.of("its backlog grew past max_backlog_rows=" + rows.getAsLong() + " (" + backlogRows + " rows)");
        }
        return Optional.empty();
    }

    /** A duration as the configuration writes it: {@code 2h}, {@code 90s}, {@code 500ms} (the largest whole unit). */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
