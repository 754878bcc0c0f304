package dev.converge.conflict;

/**
 * Decides a conflict. The contract, as for Kafka Connect's {@code Transformation}: pure and deterministic — the same
 * {@link Conflict} always gets the same {@link Resolution} on every node, or the peers will not converge; never
 * mutates its input, never touches the database or the apply engine; thread-safe. Implementations are found by
 * {@link #name()} through {@link java.util.ServiceLoader} (see {@link ResolverRegistry}).
 */
public interface ConflictResolver {
    /** The name configurations use, e.g. {@code timestamp}. */
    String name();

    Resolution resolve(Conflict conflict);
}
