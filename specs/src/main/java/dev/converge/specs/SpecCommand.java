package dev.converge.specs;

import dev.converge.dialect.Dialect;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.parse.ScenarioError;
import dev.converge.specs.parse.ScenarioParser;
import dev.converge.specs.run.ScenarioResult;
import dev.converge.specs.run.ScenarioRunner;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code converge spec [--dialect D] PATH...}: runs every scenario found on every dialect it allows (or only on
 * {@code D}), printing one line per scenario and dialect as it finishes, then {@code N passed, N failed}.
 * Single-threaded; one instance per command.
 */
public final class SpecCommand {
    private final ScenarioRunner runner;
    private final PrintStream out;
    private final Map<String, Path> names = new HashMap<>();
    private int passed;
    private int failed;

    SpecCommand(ScenarioRunner runner, PrintStream out) {
        this.runner = runner;
        this.out = out;
    }

    /**
     * Runs the scenarios in {@code paths} (files, or folders searched for {@code *.yaml}/{@code *.yml}).
     *
     * @return 0 if every scenario passed; 1 if any failed, a path does not exist, or no scenario ran at all
     */
    public static int run(List<Path> paths, Optional<Dialect> dialect, PrintStream out) {
        return new SpecCommand(ScenarioRunner.onScratchDatabases(), out).runAll(paths, dialect);
    }

    int runAll(List<Path> paths, Optional<Dialect> dialect) {
        Set<Dialect> wanted = dialect.map(EnumSet::of).orElse(EnumSet.allOf(Dialect.class));
        for (Path path : paths) {
            files(path).forEach(file -> runFile(file, wanted));
        }
        if (passed + failed == 0) {
            out.println("no scenario ran: no scenario files in " + paths.stream().map(Path::toString)
                .collect(Collectors.joining(", ")) + dialect.map(d -> " that run on " + d.word()).orElse(""));
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private List<Path> files(Path path) {
        if (Files.isDirectory(path)) {
            return ScenarioFiles.under(path);
        }
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        report(ScenarioResult.malformed(new ScenarioError(path, 1, "no such file or folder")));
        return List.of();
    }

    private void runFile(Path file, Set<Dialect> wanted) {
        Either<ScenarioError, Scenario> parsed = ScenarioParser.parse(file).flatMap(this::uniqueName);
        if (parsed.isLeft()) {
            report(ScenarioResult.malformed(parsed.getLeft()));
            return;
        }
        Scenario scenario = parsed.get();
        for (Dialect d : scenario.dialects()) {
            if (wanted.contains(d)) {
                report(runner.run(scenario, d));
            }
        }
    }

    /** Scenario names are unique: results and test names are reported by name. */
    private Either<ScenarioError, Scenario> uniqueName(Scenario scenario) {
        Path first = names.putIfAbsent(scenario.name(), scenario.file());
        if (first == null || first.equals(scenario.file())) {
            return Either.right(scenario);
        }
        return Either.left(new ScenarioError(scenario.file(), 1, "name '" + scenario.name()
            + "' is already used by " + first + " (scenario names are unique)"));
    }

    private void report(ScenarioResult result) {
        if (result.passed()) {
            passed++;
        } else {
            failed++;
        }
        out.println(result.report());
        out.flush();
    }
}
