package dev.converge.specs.model;

import java.util.List;

/** A local transaction on one node: one statement ({@code sql}) or several ({@code tx}), committed together. */
public sealed interface WriteStep extends Step permits SqlStep, TxStep {
    /** The node whose database runs the transaction. */
    String node();

    /** The statements, in order, of the one transaction. */
    List<String> statements();

    /** Whether the transaction must fail (and is then rolled back). */
    boolean expectError();

    @Override
    default String label() {
        return "step at line " + line() + " (" + node() + ", " + at() + ")";
    }
}
