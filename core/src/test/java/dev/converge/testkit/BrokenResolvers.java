package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/** Resolvers that break their contract, registered for tests only: one throws, one answers null. */
public final class BrokenResolvers {
    private BrokenResolvers() {
    }

    /** Throws for every conflict. */
    public static final class Throws implements ConflictResolver {
        public static final String NAME = "test-throws";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Resolution resolve(Conflict conflict) {
            throw new IllegalStateException("this resolver is broken on purpose");
        }
    }

    /** Answers null for every conflict. */
    public static final class ReturnsNull implements ConflictResolver {
        public static final String NAME = "test-returns-null";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Resolution resolve(Conflict conflict) {
            return null;
        }
    }
}
