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

    /**
     * Whether this resolver combines concurrent writes ({@link Resolution.Merge}) rather than only choosing one: a
     * per-column merge, a sum of increments. Then every concurrent write counts, so the engine
     * <ul>
     *   <li>asks it about every concurrent write, also one that left the same image as the local row (two increments
     *       by one leave equal rows and still both count; a resolver that picks one side is not asked then);</li>
     *   <li>keeps the write that last changed each column of its tables' rows ({@link LocalVersion#columns}), from
     *       local writes and applied ones alike.</li>
     * </ul>
     * The merged row's version holds both sides' writes whatever the resolver answers as row (see {@code
     * dev.converge.shadow.RowVersion}). Default {@code false}; must not change while a node runs.
     */
    default boolean merges() {
        return false;
    }

    /**
     * Whether this resolver decides by the writes each side made since they forked ({@link Conflict#fork}) rather than
     * by the two latest writes — what makes a rule whose order does not follow causality ({@code earliest},
     * {@code site-priority}, {@code delete-wins}) converge. Then the engine keeps, in the versions of its tables' rows,
     * the content's causal history and the writes applied to the row that not every peer has seen yet ({@code
     * dev.converge.shadow.Lineage}), and offers the fork for every conflict about one row. Default {@code false}; must
     * not change while a node runs.
     */
    default boolean comparesHistories() {
        return false;
    }

    /**
     * This resolver configured with {@code parameters} (from {@code {name: delta, columns: [qty]}}: each key's list of
     * words), called once per table when a node opens. Refuse what it does not take with an
     * {@link IllegalArgumentException} whose message says what was wrong; the node then refuses to open. The default
     * takes none.
     */
    default ConflictResolver withParameters(java.util.Map<String, java.util.List<String>> parameters) {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("resolver " + name() + " takes no parameters, found " + String.join(", ", parameters.keySet()));
        }
        return this;
    }
}
