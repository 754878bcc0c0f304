package dev.converge.specs.run;

import dev.converge.dialect.Dialect;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Runs one scenario on one dialect and says PASS or FAIL, and why. Every run gets fresh databases, so runs are
 * independent and may run in parallel (each run itself is sequential, as its steps are a timeline).
 */
public final class ScenarioRunner {
    private final DatabaseFactory databases;

    public ScenarioRunner(DatabaseFactory databases) {
        this.databases = Objects.requireNonNull(databases);
    }

    /** A runner on {@link DatabaseFactory#scratch() scratch databases}: in-memory H2, embedded (or configured) PostgreSQL. */
    public static ScenarioRunner onScratchDatabases() {
        return new ScenarioRunner(DatabaseFactory.scratch());
    }

    /** Never throws: whatever goes wrong, including an engine exception, is a FAIL with the reason. */
    public ScenarioResult run(Scenario scenario, Dialect dialect) {
        List<String> missing = Support.missing(scenario);
        if (!missing.isEmpty()) {
            return ScenarioResult.fail(scenario.name(), dialect, "not supported yet: " + String.join(", ", missing));
        }
        if (!scenario.dialects().contains(dialect)) {
            return ScenarioResult.fail(scenario.name(), dialect, "the scenario does not run on " + dialect.word()
                + " (dialects: " + scenario.dialects().stream().map(Dialect::word).collect(Collectors.joining(", ")) + ")");
        }
        try {
            List<String> problems = runChecked(scenario, dialect);
            return problems.isEmpty() ? ScenarioResult.pass(scenario.name(), dialect)
                : ScenarioResult.fail(scenario.name(), dialect, String.join("\n", problems));
        } catch (ScenarioFailure e) {
            return ScenarioResult.fail(scenario.name(), dialect, e.getMessage(), e.getCause());
        } catch (RuntimeException | AssertionError e) {
            return ScenarioResult.fail(scenario.name(), dialect, ScenarioFailure.describe(e), e);
        }
    }

    private List<String> runChecked(Scenario scenario, Dialect dialect) {
        try (Cluster cluster = Cluster.start(scenario, dialect, databases)) {
            StepRunner steps = new StepRunner(cluster);
            for (Step step : scenario.steps()) {
                steps.run(step);
            }
            List<NodeState> states = new ArrayList<>();
            for (Cluster.Member member : cluster.members()) {
                states.add(NodeState.observe(member, scenario.expect(), dialect));
            }
            return ExpectationCheck.problems(scenario.expect(), states);
        }
    }
}
