package dev.converge.node.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much a node ships at once and how far a peer may fall behind.
 *
 * @param batchSize the most ChangeSets sent to a peer in one request
 * @param maxBacklogRows a peer whose unacknowledged ChangeSets hold more captured rows than this is marked for resync;
 *     empty: no bound by rows
 * @param maxBacklogAge a peer whose oldest unacknowledged ChangeSet is older than this is marked for resync; empty: no
 *     bound by age. With both set, the first bound reached counts.
 */
public record Limits(int batchSize, OptionalLong maxBacklogRows, Optional<Duration> maxBacklogAge) {
    /** As many as the core's delivery loop sends per call. */
    public static final int DEFAULT_BATCH_SIZE = 200;
    public static final Limits DEFAULTS = new Limits(DEFAULT_BATCH_SIZE, OptionalLong.empty(), Optional.empty());

    /** The backlog bounds as the engine takes them ({@link dev.converge.Node#checkBacklog}). */
    public dev.converge.backlog.BacklogLimit backlog() {
        return new dev.converge.backlog.BacklogLimit(maxBacklogRows, maxBacklogAge);
    }

    public Limits {
        Objects.requireNonNull(maxBacklogRows);
        Objects.requireNonNull(maxBacklogAge);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
    }
}
