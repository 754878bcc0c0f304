package dev.converge.specs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.converge.specs.model.Scenario;
import dev.converge.specs.parse.ScenarioError;
import dev.converge.specs.parse.ScenarioParser;
import dev.converge.specs.run.ScenarioResult;
import dev.converge.specs.run.ScenarioRunner;
import io.vavr.control.Either;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario file of the project's {@code specs/} folder, on every dialect it allows, as one dynamic test named
 * {@code name [dialect]}. Surefire runs in the module folder, which is that {@code specs/} folder itself.
 */
class ScenariosTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ScenarioRunner RUNNER = ScenarioRunner.onScratchDatabases();

    @Test
    void everyScenarioFileIsValid() {
        List<Path> files = ScenarioFiles.under(ROOT);
        assertTrue(files.size() >= 10, "expected the project's scenarios under " + ROOT + ", found " + files);
        List<String> errors = new ArrayList<>();
        for (Path file : files) {
            ScenarioParser.parse(ROOT.relativize(file)).peekLeft(e -> errors.add(e.toString()));
        }
        assertTrue(errors.isEmpty(), "invalid scenario files:\n" + String.join("\n", errors));
    }

    @Test
    void noScenarioFileComesFromTheModuleSources() {
        assertFalse(ScenarioFiles.under(ROOT).stream().anyMatch(p -> ROOT.relativize(p).startsWith("src")
            || ROOT.relativize(p).startsWith("target")), "the walk must skip src/ and target/");
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        return ScenarioFiles.under(ROOT).stream().map(ROOT::relativize).flatMap(ScenariosTest::testsOf);
    }

    private static Stream<DynamicTest> testsOf(Path file) {
        Either<ScenarioError, Scenario> parsed = ScenarioParser.parse(file);
        if (parsed.isLeft()) {
            return Stream.of(DynamicTest.dynamicTest(file.toString(), () -> fail(parsed.getLeft().toString())));
        }
        Scenario scenario = parsed.get();
        return scenario.dialects().stream().map(d -> DynamicTest.dynamicTest(scenario.name() + " [" + d.word() + "]",
            scenario.file().toUri(), () -> check(RUNNER.run(scenario, d))));
    }

    private static void check(ScenarioResult result) {
        if (!result.passed()) {
            AssertionError failure = new AssertionError(result.report());
            result.cause().ifPresent(failure::initCause);
            throw failure;
        }
    }
}
