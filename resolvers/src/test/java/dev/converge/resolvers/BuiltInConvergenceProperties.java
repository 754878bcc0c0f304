package dev.converge.resolvers;

import dev.converge.config.ResolverSpec;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.MergeChecks;
import dev.converge.testkit.Workload;
import dev.converge.testkit.WorkloadChecks;
import dev.converge.testkit.WorkloadRunner;
import dev.converge.testkit.Workloads;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * The convergent built-ins converge: three peers write concurrently (core's workload generators: colliding keys,
 * deliveries partial, out of order, duplicated, one clock maybe off) and, once everything is delivered, every peer
 * holds the same rows. The merging ones also hold what the model says every write together makes ({@link
 * MergeChecks}): {@code column-merge} each column's latest write, {@code delta} every increment of {@code v} once.
 * Tries are few, for CI time; core's own properties run the engine harder under its test resolvers.
 *
 * <p>Not here, because they do not converge in every history: {@code keep-local}, {@code apply-remote}, {@code ignore}
 * and {@code manual} by design; {@code earliest} and {@code site-priority}, whose order does not follow causality (a
 * write that saw a loser is judged by its own timestamp or priority); and {@code delete-wins}, which this property
 * refuted: A deletes row 1 and re-inserts it, B concurrently updates it; A sees an update meeting its insert and
 * lets timestamp decide, B applies the delete and then the insert, and the peers differ (see the README).
 */
class BuiltInConvergenceProperties {
    private static final ResolverSpec DELTA = ResolverSpec.of(DeltaResolver.NAME).withParameter("columns", List.of("v"));

    @Property(tries = 30, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void columnMergeConvergesOnH2(@ForAll("merging") Workload w) {
        merging(Dialect.H2, w, ResolverSpec.of(ColumnMergeResolver.NAME), false);
    }

    @Property(tries = 3, edgeCases = EdgeCasesMode.NONE)
    void columnMergeConvergesOnPostgres(@ForAll("merging") Workload w) {
        merging(Dialect.POSTGRESQL, w, ResolverSpec.of(ColumnMergeResolver.NAME), false);
    }

    @Property(tries = 30, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void deltaCountsEveryIncrementOnH2(@ForAll("merging") Workload w) {
        merging(Dialect.H2, w, DELTA, true);
    }

    @Property(tries = 3, edgeCases = EdgeCasesMode.NONE)
    void deltaCountsEveryIncrementOnPostgres(@ForAll("merging") Workload w) {
        merging(Dialect.POSTGRESQL, w, DELTA, true);
    }

    /** The secondary rule only ever decides exact ties, so timestamp with any tie rule still converges. */
    @Property(tries = 30, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void timestampThenSitePriorityConvergesOnH2(@ForAll("concurrent") Workload w) {
        picking(Dialect.H2, w, ResolverSpec.of("timestamp").thenOnTies(ResolverSpec.of(SitePriorityResolver.NAME)));
    }

    static void merging(Dialect dialect, Workload w, ResolverSpec resolver, boolean summed) {
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "bimerge", w, resolver)) {
            WorkloadChecks.settled(r);
            WorkloadChecks.converged(r);
            MergeChecks.versionsIdentical(r);
            MergeChecks.matchesModel(r, summed);
            MergeChecks.conflictsMerged(r);
            WorkloadChecks.appliedExactlyOnce(r);
        }
    }

    static void picking(Dialect dialect, Workload w, ResolverSpec resolver) {
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "bipick", w, resolver)) {
            WorkloadChecks.settled(r);
            WorkloadChecks.converged(r);
            WorkloadChecks.appliedExactlyOnce(r);
        }
    }

    @Provide
    Arbitrary<Workload> merging() {
        return Workloads.merging(30);
    }

    @Provide
    Arbitrary<Workload> concurrent() {
        return Workloads.concurrent(30);
    }
}
