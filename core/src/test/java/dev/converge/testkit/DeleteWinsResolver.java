package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;

/**
 * A deterministic resolver other than {@code timestamp}, for tests that must hold under any deterministic resolver:
 * a delete beats everything else (an incoming delete is applied, a row deleted here stays deleted), otherwise the
 * latest timestamp wins. Registered for tests only (META-INF/services in core's test resources) as
 * {@value #NAME}; the product's own {@code delete-wins} lives in the resolvers module.
 */
public final class DeleteWinsResolver implements ConflictResolver {
    public static final String NAME = "test-delete-wins";
    private final TimestampResolver timestamp = new TimestampResolver();

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
        return timestamp.resolve(c);
    }
}
