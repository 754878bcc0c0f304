package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * {@code manual}: nothing is decided: the local row stays and the conflict is recorded {@code parked}, waiting for a person in the workbench, whatever the conflict.
 * Converges only once a person resolved every parked conflict (alike on every peer): until then each peer keeps its
 * own row. At transaction scope a parked row rejects its whole ChangeSet.
 *
 * <p>Stateless; thread-safe.
 */
public final class ManualResolver implements ConflictResolver {
    public static final String NAME = "manual";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return Resolution.PARK;
    }
}
