package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * {@code ignore}: the incoming change is dropped and no conflict is recorded, whatever the conflict.
 * <b>Does not converge in a mesh</b>: as {@code keep-local}, each peer keeps its own version, but nothing is recorded,
 * so nobody is told. At transaction scope the rest of the ChangeSet is applied (an ignored row does not lose).
 *
 * <p>Stateless; thread-safe.
 */
public final class IgnoreResolver implements ConflictResolver {
    public static final String NAME = "ignore";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return Resolution.IGNORE;
    }
}
