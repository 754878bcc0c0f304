package dev.converge.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.model.RowImage;
import java.util.Map;

/**
 * A merging resolver for tests, proving the version model for the coming {@code delta}: column {@code v} is a counter,
 * so concurrent changes of it all count — the merged row holds the local value plus the incoming change's increment
 * (new minus old; an insert's increment is its value); every other column is merged as {@link ColumnMergeResolver}
 * does. Conflicts about a row's existence go by the timestamp rule. Registered for tests only as {@value #NAME}.
 */
public final class SummingResolver extends ColumnMergeResolver {
    public static final String NAME = "test-sum";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected RowImage merge(Conflict c) {
        RowImage local = c.local().orElseThrow();
        long increment = number(c.remote().after().orElseThrow().get("v")) - c.remote().before().map(old -> number(old.get("v"))).orElse(0L);
        return super.merge(c).with(Map.of("v", number(local.get("v")) + increment));
    }

    static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
