package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * {@code earliest}: the first writer wins — the earlier hybrid timestamp; exact ties go to the higher node priority,
 * then the greater node id (as {@code timestamp}'s ties). Does not converge in every history: a write that causally
 * follows a loser is judged by its own, later timestamp (see the README's table of resolvers).
 *
 * <p>Stateless; thread-safe.
 */
public final class EarliestResolver implements ConflictResolver {
    public static final String NAME = "earliest";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        int byTime = Ties.byTimestamp(c);
        boolean remoteWins = byTime == 0 ? Ties.remoteWins(c) : byTime < 0;
        return remoteWins ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
    }
}
