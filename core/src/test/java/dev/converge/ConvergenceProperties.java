package dev.converge;

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

/**
 * Peers converge: three peers write concurrently to one small table (keys 1..4, so writes collide: inserts, updates,
 * deletes, key changes, statements over several rows), one clock maybe minutes off, while ChangeSets travel in random
 * interleavings — whole deliveries, partial ones, out of order, duplicated, re-delivered long after. Once everything is
 * delivered, every peer holds the same rows, namely what the latest write of each key left, and every recorded
 * conflict is a true, well-formed one decided by the timestamp rule. The same holds while wall clocks jump. A shrunk counterexample prints as a script.
 */
class ConvergenceProperties {

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void peersConvergeOnH2(@ForAll("concurrent") Workload w) {
        convergence(Dialect.H2, w);
    }

    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE)
    void peersConvergeOnPostgres(@ForAll("concurrent") Workload w) {
        convergence(Dialect.POSTGRESQL, w);
    }

    /**
     * The same with every peer's wall clock stepped forward and back at random moments (seconds to minutes, as NTP or an
     * operator does): a peer's writes keep their order in timestamps whatever its clock does, so peers still converge.
     */
    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
    void peersConvergeWhileClocksJumpOnH2(@ForAll("jumpingClocks") Workload w) {
        convergence(Dialect.H2, w);
    }

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE)
    void peersConvergeWhileClocksJumpOnPostgres(@ForAll("jumpingClocks") Workload w) {
        convergence(Dialect.POSTGRESQL, w);
    }

    @Property(tries = 50)
    void oneWriterNeverConflictsOnH2(@ForAll("oneWriter") Workload w) {
        noConflicts(Dialect.H2, w);
    }

    @Property(tries = 5)
    void oneWriterNeverConflictsOnPostgres(@ForAll("oneWriter") Workload w) {
        noConflicts(Dialect.POSTGRESQL, w);
    }

    @Property(tries = 50)
    void causallyOrderedWritesNeverConflictOnH2(@ForAll("causal") Workload w) {
        noConflicts(Dialect.H2, w);
    }

    @Property(tries = 5)
    void causallyOrderedWritesNeverConflictOnPostgres(@ForAll("causal") Workload w) {
        noConflicts(Dialect.POSTGRESQL, w);
    }

    static void convergence(Dialect dialect, Workload w) {
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "conv", w)) {
            WorkloadChecks.settled(r);
            WorkloadChecks.converged(r);
            WorkloadChecks.matchesModel(r);
            WorkloadChecks.versionsAgree(r);
            WorkloadChecks.conflictsWellFormed(r);
            collectStatistics(w, r, dialect == Dialect.H2);
        }
    }

    /**
     * Guards the generator: the workloads must actually collide, in every way. The coverage is checked where a property
     * runs enough tries for a percentage to mean something (H2: 100 and more); PostgreSQL's 10 or 20 tries run the same
     * generator, and one unlucky draw there would fail a correct build.
     */
    static void collectStatistics(Workload w, WorkloadRunner r, boolean checkCoverage) {
        var conflicts = Workload.NODES.stream().flatMap(n -> r.node(n).conflicts().stream()).toList();
        Statistics.label("conflicts").collect(conflicts.isEmpty() ? "0" : conflicts.size() < 4 ? "1-3" : "4+");
        conflicts.stream().map(c -> c.type().word() + " " + c.outcome().word()).distinct()
            .forEach(t -> Statistics.label("conflict kinds").collect(t));
        Statistics.label("rows at the end").collect(r.node("A").replicatedRows().values().iterator().next().size());
        Statistics.label("ChangeSets").collect(r.seen().values().stream().mapToInt(m -> m.size()).sum() / 5 * 5);
        if (checkCoverage) {
            Statistics.label("conflicts").coverage(c -> c.check("4+").percentage(p -> p > 20));
        }
    }

    static void noConflicts(Dialect dialect, Workload w) {
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "noconf", w)) {
            WorkloadChecks.settled(r);
            WorkloadChecks.noConflicts(r);
            WorkloadChecks.converged(r);
            WorkloadChecks.matchesModel(r);
        }
    }

    @Provide
    Arbitrary<Workload> concurrent() {
        return Workloads.concurrent(30);
    }

    @Provide
    Arbitrary<Workload> jumpingClocks() {
        return Workloads.jumpingClocks(30);
    }

    @Provide
    Arbitrary<Workload> oneWriter() {
        return Workloads.oneWriter(25);
    }

    @Provide
    Arbitrary<Workload> causal() {
        return Workloads.causal(10);
    }
}
