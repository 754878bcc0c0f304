package dev.converge.resync;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.Workload;
import dev.converge.testkit.WorkloadChecks;
import dev.converge.testkit.WorkloadRunner;
import dev.converge.testkit.Workloads;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import java.util.List;

/**
 * Resync keeps convergence and exactly-once: three peers write concurrently to one small table while ChangeSets travel
 * in every interleaving, and at random moments a peer loads another's snapshot — with its own changes unsent, others'
 * in flight both ways, stored out of order or delivered again later. Once everything is delivered every peer holds the
 * same rows, namely what the latest write of each key left (a write lost or applied twice would show), with the same
 * versions.
 */
class ResyncProperties {
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void peersConvergeThroughResyncsOnH2(@ForAll("withResyncs") Workload w) {
        convergence(Dialect.H2, w);
    }

    @Property(tries = 5, edgeCases = EdgeCasesMode.NONE)
    void peersConvergeThroughResyncsOnPostgres(@ForAll("withResyncs") Workload w) {
        convergence(Dialect.POSTGRESQL, w);
    }

    private static void convergence(Dialect dialect, Workload w) {
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "resync", w)) {
            WorkloadChecks.settled(r);
            WorkloadChecks.converged(r);
            WorkloadChecks.matchesModel(r);
            WorkloadChecks.versionsAgree(r);
            List<String> resyncs = r.trace().stream().filter(t -> t.contains(" resyncs from ")).toList();
            Statistics.label("resyncs that took rows").collect(resyncs.stream().anyMatch(t -> !t.contains("taken=0,")));
            Statistics.label("resyncs that decided a concurrent row").collect(resyncs.stream().anyMatch(t -> !t.contains("resolved=0,")));
            if (dialect == Dialect.H2) {
                // guards the generator: resyncs must meet rows to take and rows changed on both sides
                Statistics.label("resyncs that took rows").coverage(c -> c.check(true).percentage(p -> p > 20));
                Statistics.label("resyncs that decided a concurrent row").coverage(c -> c.check(true).percentage(p -> p > 3));
            }
        }
    }

    @Provide
    Arbitrary<Workload> withResyncs() {
        return Workloads.withResyncs(30);
    }
}
