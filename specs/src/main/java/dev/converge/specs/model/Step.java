package dev.converge.specs.model;

import java.time.LocalTime;

/**
 * One step of a scenario, run in file order. Every step has its scenario time (given by {@code at}, or one second
 * after the previous step) and the line of the file it comes from, so that a failure can point at it.
 */
public sealed interface Step permits WriteStep, DeliverStep, SyncStep, ResolveStep {
    /** The line of the scenario file where this step starts. */
    int line();

    /** The scenario time at which the step runs. */
    LocalTime at();

    /** A short description for messages, e.g. {@code step at line 21 (A, 12:05:00)}. */
    default String label() {
        return "step at line " + line() + " (" + at() + ")";
    }
}
