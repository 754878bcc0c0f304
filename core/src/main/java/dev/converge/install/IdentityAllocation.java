package dev.converge.install;

import static org.jooq.impl.DSL.max;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.IdentityGenerator;
import dev.converge.config.KeyAllocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives this node's identity columns (and PostgreSQL {@code serial} sequences) of replicated tables their own class of
 * numbers, as its {@link KeyAllocation} says: each generator steps by the stride and continues at the first value of
 * the node's class above both where it stood and the greatest value in the column, so it never hands out a number a
 * peer may hand out, nor one already used. Running it again changes nothing. A descending generator is left alone
 * (and said so in the log).
 *
 * <p>Stateless; works in the caller's transaction.
 */
public final class IdentityAllocation {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityAllocation.class);

    private IdentityAllocation() {
    }

    /** What was changed: one line per generator moved, e.g. {@code orders.id: step 10, next 31}. */
    public static List<String> apply(DSLContext ctx, List<BoundTable> tables, KeyAllocation allocation) {
        List<String> changed = new ArrayList<>();
        for (BoundTable t : tables) {
            for (String column : t.generated().identities()) {
                Optional<IdentityGenerator.State> state = IdentityGenerator.read(ctx, t, column);
                if (state.isEmpty()) {
                    continue;
                }
                if (state.get().increment() < 0) {
                    LOG.warn("{}.{} counts down; key allocation leaves descending generators alone", t.name(), column);
                    continue;
                }
                Long greatest = ctx.select(max(DSL.field(DSL.name(column), Long.class))).from(t.table()).fetchOne(0, Long.class);
                long atLeast = Math.max(state.get().next(), greatest == null ? Long.MIN_VALUE : greatest + 1);
                long next = allocation.firstAtOrAbove(atLeast);
                if (state.get().increment() == allocation.stride() && state.get().next() == next) {
                    continue;
                }
                IdentityGenerator.reallocate(ctx, t, column, allocation.stride(), next);
                changed.add(t.name() + "." + column + ": step " + allocation.stride() + ", next " + next);
            }
        }
        changed.forEach(c -> LOG.info("key allocation {}", c));
        return changed;
    }
}
