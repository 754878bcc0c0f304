package dev.converge.conflict;

import java.time.Duration;
import java.util.Objects;
import org.jooq.DSLContext;

/**
 * The database transaction an incoming ChangeSet is being applied in, as a {@link DatabaseResolver} sees it while it
 * decides one of that ChangeSet's conflicts: it reads what the transaction sees (a ChangeSet's conflicts are decided
 * before any of its rows is written; of a ChangeSet in parts, the earlier parts are), and must leave nothing behind (see {@link DatabaseResolver#resolve(Conflict, ApplyTransaction)}). Valid only during
 * that call, on the applying thread.
 *
 * @param sql the apply transaction's connection, with the node's dialect
 * @param timeLimit how long one decision may take ({@code resolver_time_limit}); a database resolver passes it on as
 *     its statement's timeout
 */
public record ApplyTransaction(DSLContext sql, Duration timeLimit) {
    public ApplyTransaction {
        Objects.requireNonNull(sql);
        Objects.requireNonNull(timeLimit);
    }
}
