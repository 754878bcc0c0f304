package dev.converge.resolvers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ResolverSpec;
import dev.converge.dialect.Dialect;
import dev.converge.resolvers.testkit.ConvergenceCheck;
import dev.converge.resolvers.testkit.ExpectDivergence;
import dev.converge.resolvers.testkit.Report;
import dev.converge.testkit.MergeChecks;
import dev.converge.testkit.Workload;
import dev.converge.testkit.Workload.Deliver;
import dev.converge.testkit.Workload.Write;
import dev.converge.testkit.WorkloadRunner;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Every built-in resolver through the convergence test kit ({@link ConvergenceCheck}), as a user checks their own:
 * three peers of distinct priorities write concurrently, deliveries partial, out of order and duplicated, one clock
 * maybe off. What the README's table of resolvers says is checked here:
 * <ul>
 *   <li>{@code timestamp} (alone and with a tie rule), {@code column-merge}, {@code delta} and {@code sql-function}
 *       with a function that follows the timestamps converge; the merging ones also hold what the model says every
 *       write together makes ({@link MergeChecks}: each column's latest write, every increment of {@code v} once);</li>
 *   <li>{@code keep-local}, {@code apply-remote}, {@code ignore} and {@code manual} do not: jqwik finds (and shrinks) a
 *       history on which the peers differ ({@link ExpectDivergence});</li>
 *   <li>{@code earliest}, {@code site-priority} and {@code delete-wins}, which judge the writes since the fork,
 *       converge too, also on the histories where judging the two latest writes diverged;</li>
 * </ul>
 * Tries are few, for CI time; core's own properties run the engine harder.
 */
class BuiltInConvergenceProperties {
    private static final ResolverSpec DELTA = ResolverSpec.of(DeltaResolver.NAME).withParameter("columns", List.of("v"));
    private static final ResolverSpec SQL_FUNCTION = ResolverSpec.of("sql-function").withParameter("function", List.of("kit_by_timestamp"));

    // ---- converge ---------------------------------------------------------------------------------------------------

    @Property(tries = 15, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void timestampConverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.TIMESTAMP).run(w).assertConverges();
    }

    /** The secondary rule only ever decides exact ties, so timestamp with any tie rule still converges. */
    @Property(tries = 15, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void timestampThenSitePriorityConverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.TIMESTAMP.thenOnTies(ResolverSpec.of(SitePriorityResolver.NAME))).run(w).assertConverges();
    }

    @Property(tries = 25, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void columnMergeConvergesOnH2(@ForAll("merging") Workload w) {
        merging(Dialect.H2, w, ResolverSpec.of(ColumnMergeResolver.NAME), false);
    }

    @Property(tries = 3, edgeCases = EdgeCasesMode.NONE)
    void columnMergeConvergesOnPostgres(@ForAll("merging") Workload w) {
        merging(Dialect.POSTGRESQL, w, ResolverSpec.of(ColumnMergeResolver.NAME), false);
    }

    @Property(tries = 25, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void deltaCountsEveryIncrementOnH2(@ForAll("merging") Workload w) {
        merging(Dialect.H2, w, DELTA, true);
    }

    @Property(tries = 3, edgeCases = EdgeCasesMode.NONE)
    void deltaCountsEveryIncrementOnPostgres(@ForAll("merging") Workload w) {
        merging(Dialect.POSTGRESQL, w, DELTA, true);
    }

    /** A function that answers what the conflict's by_timestamp says decides as timestamp does, in the database. */
    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void sqlFunctionFollowingTheTimestampsConvergesOnH2(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(SQL_FUNCTION)
            .withSetup("CREATE ALIAS kit_by_timestamp FOR 'dev.converge.resolvers.sql.TestFunctions.byTimestamp'")
            .run(w).assertConverges();
    }

    /** The function takes json here (jsonb and text elsewhere): each is bound as its parameter's type. */
    @Property(tries = 2, edgeCases = EdgeCasesMode.NONE)
    void sqlFunctionFollowingTheTimestampsConvergesOnPostgres(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(SQL_FUNCTION).on(Dialect.POSTGRESQL)
            .withSetup("CREATE FUNCTION kit_by_timestamp(c json) RETURNS text LANGUAGE sql AS $$ SELECT c->>'by_timestamp' $$")
            .run(w).assertConverges();
    }

    static void merging(Dialect dialect, Workload w, ResolverSpec resolver, boolean summed) {
        Consumer<WorkloadRunner> model = r -> {
            MergeChecks.versionsIdentical(r);
            MergeChecks.matchesModel(r, summed);
            MergeChecks.conflictsMerged(r);
        };
        ConvergenceCheck.of(resolver).on(dialect).run(w, model).assertConverges();
    }

    // ---- do not converge: jqwik finds a history --------------------------------------------------------------------

    /** Shrunk (for at most jqwik's bounded time): the published counterexample is the short history a reader needs. */
    @ExpectDivergence
    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void keepLocalDiverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(new KeepLocalResolver()).run(w).assertConverges();
    }

    @ExpectDivergence
    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.OFF)
    void applyRemoteDiverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(new ApplyRemoteResolver()).run(w).assertConverges();
    }

    @ExpectDivergence
    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.OFF)
    void ignoreDiverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.of(IgnoreResolver.NAME)).run(w).assertConverges();
    }

    @ExpectDivergence
    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.OFF)
    void manualDivergesUntilAPersonDecides(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.of(ManualResolver.NAME)).run(w).assertConverges();
    }

    // ---- compare histories, and converge (docs/design/converging-pick-resolvers.md) -----------------------------------

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void earliestConverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.of(EarliestResolver.NAME)).run(w).assertConverges();
    }

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void sitePriorityConverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.of(SitePriorityResolver.NAME)).run(w).assertConverges();
    }

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void deleteWinsConverges(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.of(DeleteWinsResolver.NAME)).run(w).assertConverges();
    }

    @Property(tries = 2, edgeCases = EdgeCasesMode.NONE)
    void sitePriorityConvergesOnPostgres(@ForAll("histories") Workload w) {
        ConvergenceCheck.of(ResolverSpec.of(SitePriorityResolver.NAME)).on(Dialect.POSTGRESQL).run(w).assertConverges();
    }

    /**
     * The histories on which these rules diverged when they judged the two latest writes (the scenarios
     * {@code specs/resolvers/*-converges*.yaml} run them too). C's write is the earliest; B's follows A's, which it saw:
     * C's wins everywhere, also where B's follow-up meets it after A's lost.
     */
    @Example
    void earliestConvergesWhenAWriteFollowsALoser() {
        Workload w = history(write("A", 1), new Deliver("A", "B"), write("C", 3), write("B", 2),
            new Deliver("C", "B"), new Deliver("C", "A"), new Deliver("B", "A"), new Deliver("A", "C"), new Deliver("B", "C"));
        ConvergenceCheck.of(new EarliestResolver()).run(w).assertConverges();
    }

    /** A (priority 3) writes, C (1) follows it, B (2) writes concurrently: C's follow-up wins with A's write. */
    @Example
    void sitePriorityConvergesWhenAWriteFollowsTheWinner() {
        Workload w = history(write("A", 1), new Deliver("A", "C"), write("C", 3), write("B", 2),
            new Deliver("B", "C"), new Deliver("B", "A"), new Deliver("C", "A"), new Deliver("A", "B"), new Deliver("C", "B"));
        ConvergenceCheck.of(new SitePriorityResolver()).run(w).assertConverges();
    }

    /** A deletes and re-inserts the row while B updates it: B's update loses to A's delete everywhere. */
    @Example
    void deleteWinsConvergesOnAReinsert() {
        Workload w = history(new Write("A", 1000, List.of(new Workload.Delete(1))), new Write("A", 1000, List.of(new Workload.Insert(1, 5, "n"))),
            write("B", 7));
        ConvergenceCheck.of(new DeleteWinsResolver()).run(w).assertConverges();
    }

    // ---- the kit itself ----------------------------------------------------------------------------------------------

    /** A resolver that tosses a coin is caught: asked twice about one conflict, it does not always answer alike. */
    @Example
    void theKitCatchesARandomResolver() {
        Workload w = history(write("A", 1), write("B", 2), new Deliver("A", "B"), new Deliver("B", "A"), write("A", 3), write("C", 4));
        java.util.Random coin = new java.util.Random(7);
        dev.converge.conflict.ConflictResolver tossing = new dev.converge.conflict.ConflictResolver() {
            @Override
            public String name() {
                return "coin";
            }

            @Override
            public dev.converge.conflict.Resolution resolve(dev.converge.conflict.Conflict c) {
                return coin.nextBoolean() ? dev.converge.conflict.Resolution.APPLY_REMOTE : dev.converge.conflict.Resolution.KEEP_LOCAL;
            }
        };
        Report report = ConvergenceCheck.of(tossing).run(w);
        assertFalse(report.deterministic(), () -> "a coin answered alike every time: " + report);
        assertTrue(report.nondeterminism().get(0).contains("coin") || report.nondeterminism().get(0).contains("answered"),
            report.nondeterminism()::toString);
    }

    @Example
    void aDeterministicResolverIsReportedSo() {
        Workload w = history(write("A", 1), write("B", 2), new Deliver("A", "B"), new Deliver("B", "A"));
        Report report = ConvergenceCheck.of(new KeepLocalResolver()).run(w);
        assertTrue(report.deterministic(), report.nondeterminism()::toString);
        assertFalse(report.converged(), "keep-local: each peer kept its own row");
    }

    private static Write write(String node, int v) {
        return new Write(node, 1000, List.of(new Workload.SetV(1, v)));
    }

    /** Rows 1..4 on every peer, then {@code steps}; the kit's final sync follows. */
    private static Workload history(Workload.Step... steps) {
        return new Workload(Optional.empty(), 4, List.of(steps));
    }

    @Provide
    Arbitrary<Workload> histories() {
        return ConvergenceCheck.histories();
    }

    @Provide
    Arbitrary<Workload> merging() {
        return ConvergenceCheck.mergingHistories();
    }
}
