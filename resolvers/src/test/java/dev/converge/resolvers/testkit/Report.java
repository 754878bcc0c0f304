package dev.converge.resolvers.testkit;

import dev.converge.model.RowImage;
import dev.converge.testkit.Workload;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link ConvergenceCheck} run found. Immutable.
 *
 * @param history the history that ran
 * @param divergence empty if every peer ended with the same rows; else which peers differ, with the run's account
 *     (each step, every ChangeSet, each peer's rows, versions and conflicts)
 * @param nondeterminism each question the resolver answered differently when asked again; empty for a resolver named
 *     by a specification (only an instance is watched)
 * @param rows each peer's replicated rows at the end, by table
 */
public record Report(Workload history, Optional<String> divergence, List<String> nondeterminism,
                     Map<String, Map<String, List<RowImage>>> rows) {
    public Report {
        nondeterminism = List.copyOf(nondeterminism);
        rows = Map.copyOf(rows);
    }

    public boolean converged() {
        return divergence.isEmpty();
    }

    public boolean deterministic() {
        return nondeterminism.isEmpty();
    }

    /** @throws Divergence if the peers ended with different rows */
    public Report assertConverges() {
        divergence.ifPresent(d -> {
            throw new Divergence("the peers did not converge on this history:" + history + d);
        });
        return this;
    }

    /** @throws AssertionError if the resolver answered one question two ways */
    public Report assertDeterministic() {
        if (!nondeterminism.isEmpty()) {
            throw new AssertionError("the resolver is not deterministic (it must decide from the conflict alone: no wall clock, "
                + "no random numbers, no state between calls) on this history:" + history + "\n" + String.join("\n", nondeterminism));
        }
        return this;
    }

    public Report assertConvergesAndIsDeterministic() {
        return assertDeterministic().assertConverges();
    }

    /** Peers that ended with different rows: the failure {@link ExpectDivergence} expects. */
    public static final class Divergence extends AssertionError {
        Divergence(String message) {
            super(message);
        }
    }
}
