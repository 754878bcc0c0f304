package dev.converge.resolvers.testkit;

import dev.converge.config.ResolverSpec;
import dev.converge.conflict.ConflictResolver;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Workload;
import dev.converge.testkit.WorkloadChecks;
import dev.converge.testkit.WorkloadRunner;
import dev.converge.testkit.Workloads;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;

/**
 * Checks that a resolver converges and is deterministic, one history at a time, inside a jqwik property:
 *
 * <pre>{@code
 * @Property(tries = 25)
 * void converges(@ForAll("histories") Workload history) {
 *     ConvergenceCheck.of(new MyResolver()).run(history).assertConvergesAndIsDeterministic();
 * }
 *
 * @Provide
 * Arbitrary<Workload> histories() {
 *     return ConvergenceCheck.histories();
 * }
 * }</pre>
 *
 * Each run opens three real peers A, B and C (priorities 3, 2 and 1) on fresh databases of one dialect (H2 unless
 * {@link #on} says otherwise), all replicating table {@code t (k INT PRIMARY KEY, v INT, w VARCHAR(10))} and deciding
 * its conflicts with the resolver; runs the history (writes on every peer, deliveries in random order, partial,
 * duplicated or acknowledged late, one clock maybe skewed); delivers everything everywhere; and compares. A resolver
 * given as an instance is asked every question twice in a row and once more after the run: any different answer is
 * non-determinism. When a check fails, jqwik shrinks the history to a short script and prints it.
 *
 * <p>Immutable; each {@link #run} builds its own peers, so one check may serve parallel runs.
 */
public final class ConvergenceCheck {
    private final Optional<ConflictResolver> instance;
    private final ResolverSpec spec;
    private final Dialect dialect;
    private final List<String> setup;

    private ConvergenceCheck(Optional<ConflictResolver> instance, ResolverSpec spec, Dialect dialect, List<String> setup) {
        this.instance = instance;
        this.spec = spec;
        this.dialect = dialect;
        this.setup = List.copyOf(setup);
    }

    /** Checks {@code resolver}, configured as you would configure it (call its {@code withParameters} first if it takes any). */
    public static ConvergenceCheck of(ConflictResolver resolver) {
        Objects.requireNonNull(resolver);
        return new ConvergenceCheck(Optional.of(resolver), ResolverSpec.TIMESTAMP, Dialect.H2, List.of());
    }

    /** Checks the resolver a configuration names: a built-in, a registered one, a class name, or {@code sql-function}. */
    public static ConvergenceCheck of(ResolverSpec resolver) {
        return new ConvergenceCheck(Optional.empty(), Objects.requireNonNull(resolver), Dialect.H2, List.of());
    }

    /** On {@code dialect}'s databases (PostgreSQL: {@code CONVERGE_PG_URL} or an embedded server). */
    public ConvergenceCheck on(Dialect dialect) {
        return new ConvergenceCheck(instance, spec, Objects.requireNonNull(dialect), setup);
    }

    /** With {@code statements} run on each peer's database before it opens: e.g. the function {@code sql-function} calls. */
    public ConvergenceCheck withSetup(String... statements) {
        return new ConvergenceCheck(instance, spec, dialect, List.of(statements));
    }

    /** Histories for any resolver: inserts, updates, deletes and key changes of keys 1..4 on every peer, 20 steps at most. */
    public static Arbitrary<Workload> histories() {
        return Workloads.concurrent(20);
    }

    /** Histories for a merging resolver: inserts and updates (increments of {@code v} among them), no deletes, 20 steps at most. */
    public static Arbitrary<Workload> mergingHistories() {
        return Workloads.merging(20);
    }

    /** The peers' priorities in every run: different, so that a rule that reads them is exercised. */
    public static final Map<String, Integer> PRIORITIES = Map.of("A", 3, "B", 2, "C", 1);

    /** Runs {@code history} and reports what the peers hold and how the resolver answered. */
    public Report run(Workload history) {
        return run(history, r -> {
        });
    }

    /**
     * As {@link #run(Workload)}, with {@code more} checks on the finished run (e.g. that the rows are what a model of
     * the resolver says); an {@link AssertionError} they throw fails the run. For this project's own properties.
     */
    public Report run(Workload history, Consumer<WorkloadRunner> more) {
        Optional<Answers> answers = instance.map(Answers::register);
        ResolverSpec resolver = answers.map(Answers::spec).orElse(spec);
        WorkloadRunner.Setup peers = new WorkloadRunner.Setup(resolver, PRIORITIES::get, setup);
        try (WorkloadRunner r = WorkloadRunner.run(dialect, "kit", history, peers)) {
            WorkloadChecks.settled(r);
            WorkloadChecks.appliedExactlyOnce(r);
            Optional<String> divergence = WorkloadChecks.divergence(r);
            if (divergence.isEmpty()) {
                more.accept(r);
            }
            List<String> unstable = answers.map(Answers::replay).orElse(List.of());
            return new Report(history, divergence, unstable, r.data());
        } finally {
            answers.ifPresent(Answers::unregister);
        }
    }
}
