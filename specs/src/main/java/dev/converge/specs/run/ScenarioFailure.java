package dev.converge.specs.run;

import java.util.Arrays;
import java.util.Optional;

/**
 * Ends a run early with the reason the scenario failed (a statement that should not fail, a sync that does not
 * settle, an engine exception during a step). Caught by {@link ScenarioRunner}; never leaves this package.
 */
final class ScenarioFailure extends RuntimeException {
    ScenarioFailure(String reason) {
        super(reason);
    }

    ScenarioFailure(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** An unexpected exception in words: its class, message, and where it was thrown, so an engine bug can be found. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            text.append(": ").append(e.getMessage().strip());
        }
        whereThrown(e).ifPresent(frame -> text.append(" (at ").append(frame).append(')'));
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            text.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** The first frame in Converge's own code: a JDK frame such as {@code Objects.requireNonNull} says nothing. */
    private static Optional<StackTraceElement> whereThrown(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return Arrays.stream(trace).filter(f -> f.getClassName().startsWith("dev.converge.")).findFirst()
            .or(() -> Arrays.stream(trace).findFirst());
    }
}
