package dev.converge.conflict;

import dev.converge.model.NodeId;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's decision on a conflict, as its record keeps it on every peer: who decided, when (the deciding node's
 * clock), at which node, what ({@code take-local}, {@code take-remote}, {@code delete}, {@code merge} with the row, or
 * {@code replay} of a transaction) and the comment (empty if none). Immutable.
 */
public record ManualDecision(String who, Instant when, NodeId decidedAt, String what, String comment) {
    public ManualDecision {
        Objects.requireNonNull(who);
        Objects.requireNonNull(when);
        Objects.requireNonNull(decidedAt);
        Objects.requireNonNull(what);
        Objects.requireNonNull(comment);
    }
}
