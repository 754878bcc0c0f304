package dev.converge;

import dev.converge.config.ResolverSpec;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.ColumnMergeResolver;
import dev.converge.testkit.MergeChecks;
import dev.converge.testkit.SummingResolver;
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

/**
 * Peers converge under a merging resolver: three peers insert, increment and update one small table (keys 1..6, so
 * writes collide and two peers insert the same key), one clock maybe minutes off, while ChangeSets travel in random
 * interleavings — partial, out of order, duplicated, re-delivered long after. Once everything is delivered every peer
 * holds the same rows and the same versions, and the rows are what every write together makes: with
 * {@code test-sum} every increment of {@code v} counted once, with {@code test-column-merge} each column the latest
 * write that set it. A merged row's version must hold every write it is made of, or later writes of its contributors
 * are judged wrongly and the peers diverge.
 */
class MergingConvergenceProperties {

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void sumsConvergeOnH2(@ForAll("merging") Workload w) {
        convergence(Dialect.H2, w, SummingResolver.NAME);
    }

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE)
    void sumsConvergeOnPostgres(@ForAll("merging") Workload w) {
        convergence(Dialect.POSTGRESQL, w, SummingResolver.NAME);
    }

    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void columnMergesConvergeOnH2(@ForAll("merging") Workload w) {
        convergence(Dialect.H2, w, ColumnMergeResolver.NAME);
    }

    @Property(tries = 5, edgeCases = EdgeCasesMode.NONE)
    void columnMergesConvergeOnPostgres(@ForAll("merging") Workload w) {
        convergence(Dialect.POSTGRESQL, w, ColumnMergeResolver.NAME);
    }

    static void convergence(Dialect dialect, Workload w, String resolver) {
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "merge", w, ResolverSpec.of(resolver))) {
            WorkloadChecks.settled(r);
            WorkloadChecks.converged(r);
            MergeChecks.versionsIdentical(r);
            MergeChecks.matchesModel(r, resolver.equals(SummingResolver.NAME));
            MergeChecks.conflictsMerged(r);
            WorkloadChecks.appliedExactlyOnce(r);
            var conflicts = Workload.NODES.stream().mapToInt(n -> r.node(n).conflicts().size()).sum();
            Statistics.label("merges").collect(conflicts == 0 ? "0" : conflicts < 4 ? "1-3" : "4+");
            if (dialect == Dialect.H2) { // a percentage of PostgreSQL's 5 or 10 tries means nothing (see ConvergenceProperties)
                Statistics.label("merges").coverage(c -> c.check("4+").percentage(p -> p > 20));
            }
        }
    }

    @Provide
    Arbitrary<Workload> merging() {
        return Workloads.merging(30);
    }
}
