package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.IdentityGenerator;
import dev.converge.config.KeyAllocation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * Moves the target's identity generators past the values that arrived. Rows arrive with their origin's identity
 * values; without this, the target's own next insert would be handed a number that is already taken (both H2 and
 * PostgreSQL keep an identity's generator apart from the values written into the column). Per table and identity
 * column that an apply inserted into, one read of the generator and, if it is behind the greatest value inserted, one
 * statement to move it; the generator only ever moves forward (ascending identities; a descending one is left alone).
 *
 * <p>The generator is moved only if its next value is not past the value already (see {@link IdentityGenerator} for how,
 * per dialect); a generator that steps by more than one stays in its class of numbers.
 *
 * <p>Stateless; confined to the apply transaction.
 */
final class Identities {
    private Identities() {
    }

    /** Advances past the identity values of {@code inserted} (rows written by this apply). */
    static void advance(DSLContext ctx, List<RowWriter.InsertRow> inserted) {
        Map<BoundTable, Map<String, Long>> greatest = new LinkedHashMap<>();
        for (RowWriter.InsertRow i : inserted) {
            for (String column : i.table().generated().identities()) {
                if (i.row().get(column) instanceof Number n) {
                    greatest.computeIfAbsent(i.table(), t -> new LinkedHashMap<>()).merge(column, n.longValue(), Math::max);
                }
            }
        }
        greatest.forEach((t, columns) -> columns.forEach((column, value) -> advance(ctx, t, column, value)));
    }

    /**
     * Moves the generator so that its next value is above {@code value}, within its own class of numbers when it steps
     * by more than one (a node with a {@link dev.converge.config.KeyAllocation} keeps handing out only its own class).
     */
    private static void advance(DSLContext ctx, BoundTable t, String column, long value) {
        IdentityGenerator.read(ctx, t, column).ifPresent(g -> {
            if (g.increment() <= 0 || g.next() > value) {
                return;
            }
            long next = KeyAllocation.firstAtOrAbove(value + 1, g.next(), g.increment());
            IdentityGenerator.restart(ctx, t, column, next);
        });
    }
}
