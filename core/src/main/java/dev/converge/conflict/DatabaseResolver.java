package dev.converge.conflict;

import org.jooq.DSLContext;

/**
 * A resolver that decides inside the node's database — module {@code resolvers}' {@code sql-function}, which calls a
 * function the user wrote in SQL — rather than from the {@link Conflict} alone. The engine calls it on the applying
 * thread, inside the apply transaction ({@link #resolve(Conflict, ApplyTransaction)}), never on a thread of its own
 * as a user's Java resolver is called ({@link ResolverCall}); so only Converge's own resolvers may implement it, and a
 * node refuses to open with any other.
 *
 * <p>Lifecycle: registered unconfigured; {@link #withParameters} configures it from the configuration; then, when a
 * node opens (and in {@code converge config check}), {@link #bindTo} checks it against the database — what it calls
 * must exist — and returns the instance that decides. Thread-safe once bound.
 */
public interface DatabaseResolver extends ConflictResolver {
    /**
     * This resolver ready to decide on {@code database}: what it calls looked up there, as the database spells it.
     *
     * @throws IllegalArgumentException whose message names what is missing or unfit; the node then refuses to open
     */
    DatabaseResolver bindTo(DSLContext database);

    /**
     * Decides {@code conflict} inside {@code transaction}. It must leave the transaction as it found it, whatever
     * happens (a failure is thrown, after undoing its own work, e.g. back to a savepoint), so that the engine can
     * park the conflict and go on with the rest of the ChangeSet.
     *
     * @throws RuntimeException with a message saying what went wrong: the conflict is parked with it
     */
    Resolution resolve(Conflict conflict, ApplyTransaction transaction);

    /** Without the apply transaction there is nothing to decide with. */
    @Override
    default Resolution resolve(Conflict conflict) {
        throw new IllegalStateException("resolver " + name() + " decides in the database: it is called with the apply transaction");
    }
}
