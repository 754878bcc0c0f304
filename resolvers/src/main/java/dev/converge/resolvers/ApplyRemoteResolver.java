package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * {@code apply-remote}: the incoming change always wins and is applied, recorded as {@code applied-remote}, whatever the conflict.
 * <b>Does not converge in a mesh</b>: each peer takes the other's version of a row both wrote concurrently, so two
 * peers swap values and stay different until a later write that every peer sees settles the row.
 *
 * <p>Stateless; thread-safe.
 */
public final class ApplyRemoteResolver implements ConflictResolver {
    public static final String NAME = "apply-remote";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return Resolution.APPLY_REMOTE;
    }
}
