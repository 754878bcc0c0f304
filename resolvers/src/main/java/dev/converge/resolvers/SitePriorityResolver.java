package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Fork;
import dev.converge.conflict.Resolution;
import java.util.Comparator;
import dev.converge.conflict.TimestampResolver;

/**
 * {@code site-priority}: the write of the node with the higher priority wins; equal priorities go by the {@code
 * timestamp} rule. A row from before replication started counts as priority 0. Priorities come from each node's
 * configuration, so every peer must give every node the same priority. Judged on the writes each side made since the
 * two sides forked ({@link Conflict#fork}): the side that holds the write of the highest priority (then the latest)
 * wins — so a low-priority node's write that follows a high-priority node's wins with it, and the rule converges (see
 * {@code docs/design/converging-pick-resolvers.md}). A conflict offered without a fork (between two different rows)
 * is judged by the two writes' nodes.
 *
 * <p>Stateless; thread-safe.
 */
public final class SitePriorityResolver implements ConflictResolver {
    public static final String NAME = "site-priority";
    private static final TimestampResolver TIMESTAMP = new TimestampResolver();

    @Override
    public String name() {
        return NAME;
    }

    /** Greater is better: the higher priority, then the later timestamp (then, in {@link Fork}, the greater stamp). */
    static final Comparator<Fork.Written> RANK = Comparator.comparingInt(Fork.Written::priority)
        .thenComparing(w -> w.stamp().timestamp());

    @Override
    public boolean comparesHistories() {
        return true;
    }

    @Override
    public Resolution resolve(Conflict c) {
        if (c.fork().isPresent()) {
            return c.fork().get().remoteWins(RANK) ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
        }
        int local = c.localOrigin().isPresent() ? c.localPriority() : 0;
        if (c.remotePriority() != local) {
            return c.remotePriority() > local ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
        }
        return TIMESTAMP.resolve(c);
    }
}
