package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * The local row always wins (as the product's {@code keep-local} in the resolvers module): the resolver that disagrees
 * most with any other peer, for tests where a person's decision must stand whatever the resolver. Registered for tests
 * only as {@value #NAME}.
 */
public final class KeepLocalResolver implements ConflictResolver {
    public static final String NAME = "test-keep-local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return Resolution.KEEP_LOCAL;
    }
}
