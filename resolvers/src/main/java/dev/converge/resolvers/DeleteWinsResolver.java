package dev.converge.resolvers;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;

/**
 * {@code delete-wins}: a delete beats every concurrent write that keeps the row — an incoming delete is applied over a
 * changed row, an incoming insert or update that finds the row deleted here is dropped ({@code kept-local}); between
 * two writes that keep the row, and when the row is simply missing (no shadow of a delete), the {@code timestamp}
 * rule decides. Does not converge in every history: when a peer deletes a row and re-inserts it while another peer
 * updates it, the update meets the re-inserted row (not the delete) and the {@code timestamp} rule decides there,
 * while the other peer applies the delete and then the insert (see the README's table of resolvers).
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

    @Override
    public Resolution resolve(Conflict c) {
        if (c.remote().after().isEmpty()) {
            return Resolution.APPLY_REMOTE;
        }
        if (c.local().isEmpty() && c.shadow().isPresent()) {
            return Resolution.KEEP_LOCAL;
        }
        return TIMESTAMP.resolve(c);
    }
}
