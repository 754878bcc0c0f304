package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;

/**
 * Resolvers that break their contract, registered for tests only: one throws, one answers null, one takes too long,
 * two return merged rows that cannot be written (an unknown column, another row's key).
 */
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

    /** Takes ten seconds for every conflict (and then answers apply-remote, too late to count). */
    public static final class Slow implements ConflictResolver {
        public static final String NAME = "test-slow";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Resolution resolve(Conflict conflict) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Resolution.APPLY_REMOTE;
        }
    }

    /** Merges into a row with a column the table does not have. */
    public static final class UnknownColumn implements ConflictResolver {
        public static final String NAME = "test-unknown-column";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Resolution resolve(Conflict conflict) {
            return new Resolution.Merge(conflict.remote().after().orElseThrow().with(java.util.Map.of("no_such_column", 1)));
        }
    }

    /** Merges into a row with another key than the row in conflict. */
    public static final class OtherKey implements ConflictResolver {
        public static final String NAME = "test-other-key";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Resolution resolve(Conflict conflict) {
            dev.converge.model.RowImage row = conflict.remote().after().orElseThrow();
            String key = row.values().keySet().stream().filter(k -> k.equalsIgnoreCase("marca")).findFirst().orElseThrow();
            return new Resolution.Merge(row.with(java.util.Map.of(key, 999)));
        }
    }
}
