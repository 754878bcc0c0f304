package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Fork;
import dev.converge.conflict.Resolution;
import java.util.Comparator;
import dev.converge.conflict.TimestampResolver;

/**
 * {@code delete-wins}: a delete beats every concurrent write that keeps the row — an incoming delete is applied over a
 * changed row, an incoming insert or update that finds the row deleted here is dropped ({@code kept-local}); between
 * two writes that keep the row, and when the row is simply missing (no shadow of a delete), the {@code timestamp}
 * rule decides. Judged on the writes each side made since the two sides forked ({@link Conflict#fork}): the side that
 * deleted since the fork wins (of two, the later delete), else the later write — so when a peer deletes a row and
 * re-inserts it while another updates it, the update loses to the delete wherever it meets it, also at the peer
 * that re-inserted, and the rule converges (see {@code docs/design/converging-pick-resolvers.md}). A conflict offered
 * without a fork (between two different rows) is judged as above by the two writes.
 *
 * <p>Stateless; thread-safe.
 */
public final class DeleteWinsResolver implements ConflictResolver {
    public static final String NAME = "delete-wins";
    private static final TimestampResolver TIMESTAMP = new TimestampResolver();

    @Override
    public String name() {
        return NAME;
    }

    /** Greater is better: a delete, then the later timestamp, then the higher priority (then the greater stamp). */
    static final Comparator<Fork.Written> RANK = Comparator.comparing(Fork.Written::deleted)
        .thenComparing(w -> w.stamp().timestamp()).thenComparingInt(Fork.Written::priority);

    @Override
    public boolean comparesHistories() {
        return true;
    }

    @Override
    public Resolution resolve(Conflict c) {
        if (c.fork().isPresent()) {
            return c.fork().get().remoteWins(RANK) ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
        }
        if (c.remote().after().isEmpty()) {
            return Resolution.APPLY_REMOTE;
        }
        if (c.local().isEmpty() && c.shadow().isPresent()) {
            return Resolution.KEEP_LOCAL;
        }
        return TIMESTAMP.resolve(c);
    }
}
