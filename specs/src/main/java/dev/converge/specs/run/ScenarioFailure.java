package dev.converge.specs.run;

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
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0) {
            text.append(" (at ").append(trace[0]).append(')');
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            text.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
