package dev.converge.specs.run;

import dev.converge.dialect.Dialect;
import dev.converge.specs.parse.ScenarioError;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict on one scenario on one dialect, or on a file that is not a valid scenario (then there is no dialect and
 * the name is the file). A failure's reason says what differed; its first line is a summary, further lines details.
 * {@code cause} is the exception behind a failure, if one was, for a test to show its stack trace.
 */
public record ScenarioResult(String name, Optional<Dialect> dialect, boolean passed, String reason,
                             Optional<Throwable> cause) {
    public ScenarioResult {
        Objects.requireNonNull(name);
        Objects.requireNonNull(dialect);
        Objects.requireNonNull(reason);
        Objects.requireNonNull(cause);
    }

    public static ScenarioResult pass(String name, Dialect dialect) {
        return new ScenarioResult(name, Optional.of(dialect), true, "", Optional.empty());
    }

    public static ScenarioResult fail(String name, Dialect dialect, String reason) {
        return new ScenarioResult(name, Optional.of(dialect), false, reason, Optional.empty());
    }

    static ScenarioResult fail(String name, Dialect dialect, String reason, Throwable cause) {
        return new ScenarioResult(name, Optional.of(dialect), false, reason, Optional.ofNullable(cause));
    }

    /** A file that is not a valid scenario. */
    public static ScenarioResult malformed(ScenarioError error) {
        return new ScenarioResult(error.file().toString(), Optional.empty(), false, error.toString(), Optional.empty());
    }

    /**
     * The report line(s): {@code PASS name [h2]}, {@code FAIL name [h2]: reason}, {@code FAIL file: file:line: problem};
     * detail lines of a reason follow, indented, so that every PASS/FAIL line still starts a line.
     */
    public String report() {
        String head = (passed ? "PASS " : "FAIL ") + name + dialect.map(d -> " [" + d.word() + "]").orElse("");
        return passed ? head : head + ": " + reason.replace("\n", "\n    ");
    }
}
