package dev.converge.resolvers.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.converge.conflict.ConflictResolver;
import dev.converge.resolvers.testkit.ConvergenceCheck;
import dev.converge.resolvers.testkit.Report;
import dev.converge.testkit.Workload;
import dev.converge.testkit.Workload.Deliver;
import dev.converge.testkit.Workload.SetV;
import dev.converge.testkit.Workload.Write;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The guide's example through the convergence test kit, whose table t keeps its count in column v. */
class HigherStockWinsProperties {
    private final ConflictResolver resolver = new HigherStockWins().withParameters(Map.of("column", List.of("v")));

    /** It decides from the conflict alone: asked again, on any peer, at any time, it answers the same. */
    @Property(tries = 10)
    void isDeterministic(@ForAll("histories") Workload history) {
        ConvergenceCheck.of(resolver).run(history).assertDeterministic();
    }

    /** The guide's chain: A sets 9, B sees it and sets 2, C sets 5 meanwhile. A and B end with 5, C with 2. */
    @Example
    void divergesWhenAWriteIsChainedAfterTheWinner() {
        Workload chain = new Workload(Optional.empty(), 1, List.of(
            new Write("A", 1000, List.of(new SetV(1, 9))),
            new Deliver("A", "B"),
            new Write("B", 1000, List.of(new SetV(1, 2))),
            new Write("C", 0, List.of(new SetV(1, 5)))));
        Report report = ConvergenceCheck.of(resolver).run(chain);
        assertFalse(report.converged());
        assertEquals(2L, ((Number) report.rows().get("C").values().iterator().next().get(0).get("v")).longValue());
    }

    @Provide
    Arbitrary<Workload> histories() {
        return ConvergenceCheck.histories();
    }
}
