package dev.converge.resolvers.testkit;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link ConvergenceCheck} run puts your resolver instance in the peers' configuration: named by this class and
 * the run's number ({@code {name: dev.converge.resolvers.testkit.RecordingResolver, run: [7]}}), it passes every
 * question to your resolver and records the answers. Public only because nodes make resolvers by class name; you never
 * name it yourself. Immutable once configured; thread-safe.
 */
public final class RecordingResolver implements ConflictResolver {
    static final String RUN = "run";

    private final Optional<Answers> answers;

    /** As a node makes it from its class name, before {@link #withParameters}. */
    public RecordingResolver() {
        this(Optional.empty());
    }

    private RecordingResolver(Optional<Answers> answers) {
        this.answers = answers;
    }

    @Override
    public String name() {
        return answers.map(a -> a.delegate().name()).orElse("convergence-kit");
    }

    @Override
    public boolean merges() {
        return answers.map(a -> a.delegate().merges()).orElse(false);
    }

    @Override
    public boolean comparesHistories() {
        return answers.map(a -> a.delegate().comparesHistories()).orElse(false);
    }

    @Override
    public ConflictResolver withParameters(Map<String, List<String>> parameters) {
        List<String> run = parameters.getOrDefault(RUN, List.of());
        if (run.size() != 1 || parameters.size() != 1) {
            throw new IllegalArgumentException("the convergence kit's resolver takes the run's number: {run: [N]}, found " + parameters);
        }
        return new RecordingResolver(Optional.of(Answers.of(Long.parseLong(run.get(0)))));
    }

    @Override
    public Resolution resolve(Conflict conflict) {
        return answers.orElseThrow(() -> new IllegalStateException("the convergence kit's resolver was not configured")).ask(conflict);
    }
}
