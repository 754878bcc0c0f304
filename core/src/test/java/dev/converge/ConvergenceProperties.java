package dev.converge;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.Workload;
import dev.converge.testkit.WorkloadChecks;
import dev.converge.testkit.WorkloadRunner;
import dev.converge.testkit.Workloads;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Peers converge: three peers write concurrently to one small table (keys 1..4, so writes collide: inserts, updates,
 * deletes, key changes, statements over several rows), one clock maybe minutes off, while ChangeSets travel in random
 * interleavings — whole deliveries, partial ones, out of order, duplicated, re-delivered long after. Once everything is
 * delivered, every peer holds the same rows, namely what the latest write of each key left, and every recorded
 * conflict is a true, well-formed one decided by the timestamp rule. A shrunk counterexample prints as a script.
 */
class ConvergenceProperties {

    @Property(tries = 200, shrinking = ShrinkingMode.FULL)
    void peersConvergeOnH2(@ForAll("concurrent") Workload w) {
        convergence(Dialect.H2, w);
    }

    @Property(tries = 20)
    void peersConvergeOnPostgres(@ForAll("concurrent") Workload w) {
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
        WorkloadRunner r = WorkloadRunner.run(dialect, "conv", w);
        WorkloadChecks.settled(r);
        WorkloadChecks.converged(r);
        WorkloadChecks.matchesModel(r);
        WorkloadChecks.versionsAgree(r);
        WorkloadChecks.conflictsWellFormed(r);
    }

    static void noConflicts(Dialect dialect, Workload w) {
        WorkloadRunner r = WorkloadRunner.run(dialect, "noconf", w);
        WorkloadChecks.settled(r);
        WorkloadChecks.noConflicts(r);
        WorkloadChecks.converged(r);
        WorkloadChecks.matchesModel(r);
    }

    @Provide
    Arbitrary<Workload> concurrent() {
        return Workloads.concurrent(30);
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
