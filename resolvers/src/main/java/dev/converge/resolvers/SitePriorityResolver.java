package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;

/**
 * {@code site-priority}: the write of the node with the higher priority wins; equal priorities go by the {@code
 * timestamp} rule. A row from before replication started counts as priority 0. Priorities come from each node's
 * configuration, so every peer must give every node the same priority. Does not converge in every history: a write
 * that causally follows a loser carries its own node's priority (see the README's table of resolvers).
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

    @Override
    public Resolution resolve(Conflict c) {
        int local = c.localOrigin().isPresent() ? c.localPriority() : 0;
        if (c.remotePriority() != local) {
            return c.remotePriority() > local ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
        }
        return TIMESTAMP.resolve(c);
    }
}
