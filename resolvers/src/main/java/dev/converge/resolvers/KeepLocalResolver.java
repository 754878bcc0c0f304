package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * {@code keep-local}: the local row (or the shadow of a local delete) always wins; the incoming change is dropped and recorded as {@code kept-local}, whatever the conflict.
 * <b>Does not converge in a mesh</b>: each peer keeps its own version of a row both wrote concurrently, and the
 * peers stay different until a person or a later write that every peer sees settles the row.
 *
 * <p>Stateless; thread-safe.
 */
public final class KeepLocalResolver implements ConflictResolver {
    public static final String NAME = "keep-local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return Resolution.KEEP_LOCAL;
    }
}
