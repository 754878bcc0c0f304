package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Fork;
import dev.converge.conflict.Resolution;
import java.util.Comparator;

/**
 * {@code earliest}: the first writer wins — the side whose first write since the two sides forked is the earlier
 * (hybrid timestamp); exact ties go to the higher node priority, then the greater node id (as {@code timestamp}'s
 * ties). Judged on the writes since the fork ({@link Conflict#fork}), not on the two latest writes, so a write that
 * causally follows a winner wins with it, and the rule converges (see {@code docs/design/converging-pick-resolvers.md}).
 * A conflict offered without a fork (between two different rows) is judged by the two writes' timestamps.
 *
 * <p>Stateless; thread-safe.
 */
public final class EarliestResolver implements ConflictResolver {
    public static final String NAME = "earliest";

    @Override
    public String name() {
        return NAME;
    }

    /** Greater is better: the earlier timestamp, then the higher priority (then, in {@link Fork}, the greater stamp). */
    static final Comparator<Fork.Written> RANK = Comparator.comparing((Fork.Written w) -> w.stamp().timestamp()).reversed()
        .thenComparingInt(Fork.Written::priority);

    @Override
    public boolean comparesHistories() {
        return true;
    }

    @Override
    public Resolution resolve(Conflict c) {
        if (c.fork().isPresent()) {
            return c.fork().get().remoteWins(RANK) ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
        }
        int byTime = Ties.byTimestamp(c);
        boolean remoteWins = byTime == 0 ? Ties.remoteWins(c) : byTime < 0;
        return remoteWins ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
    }
}
