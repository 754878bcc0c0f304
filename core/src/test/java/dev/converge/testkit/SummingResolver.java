package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.RowImage;
import java.util.Map;

/**
 * A merging resolver for tests: column {@code v} is a counter, so two concurrent changes of it both count — the merged
 * row holds the local value plus the remote change's increment (new minus old; an insert's increment is its value).
 * Conflicts about a row's existence (a delete, a missing row) go by the timestamp rule. Registered for tests only as
 * {@value #NAME}.
 */
public final class SummingResolver implements ConflictResolver {
    public static final String NAME = "test-sum";
    private final TimestampResolver timestamp = new TimestampResolver();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        boolean bothLive = c.local().isPresent() && c.remote().after().isPresent()
            && (c.type() == ConflictType.UPDATE_CHANGED_ROW || c.type() == ConflictType.INSERT_EXISTS);
        if (!bothLive) {
            return timestamp.resolve(c);
        }
        RowImage local = c.local().get();
        long increment = number(c.remote().after().get().get("v")) - c.remote().before().map(old -> number(old.get("v"))).orElse(0L);
        return new Resolution.Merge(local.with(Map.of("v", number(local.get("v")) + increment)));
    }

    static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
