package dev.converge.resolvers.sql;

import dev.converge.conflict.ApplyTransaction;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.DatabaseResolver;
import dev.converge.conflict.Resolution;
import dev.converge.dialect.Savepoints;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * {@code sql-function}: a conflict is decided by a function in the node's database —
 * {@code {name: sql-function, function: resolve_stock}} — for teams whose rules live in the database (the seed's
 * "stored procedure" rule). The function takes one argument, the conflict as a JSON object ({@link ConflictJson}:
 * type, table, key, both rows, both timestamps, origins and priorities, the shadow, and what {@code timestamp} would
 * decide) and returns its decision as JSON ({@link Answer}: {@code apply-remote}, {@code keep-local}, {@code merge}
 * with a row, {@code delete}, {@code park}, {@code ignore}).
 *
 * <p>The function runs in the apply transaction, so it sees the data as the apply does (the rows as they were before
 * the ChangeSet: its conflicts are decided before any of its rows is written), under a savepoint that is rolled back after every call, answer or not: whatever the
 * function wrote is undone (the engine writes the decision, and a write of the function's own would reach no peer),
 * and on PostgreSQL a function that raises an error does not abort the apply transaction. A function that raises,
 * answers NULL, an unknown decision, text that is not JSON, or a merged row without the key or with unknown columns
 * parks the conflict with the error recorded; the rest of the ChangeSet applies. Its statement's timeout is
 * {@code resolver_time_limit} (rounded up to whole seconds, the JDBC unit); a Java function alias on H2 that never
 * returns cannot be stopped by it.
 *
 * <p>Parameters: {@code function} (required: {@code name} or {@code schema.name}) and {@code merges} ({@code true}:
 * the function combines writes, e.g. sums increments, so it is also asked about writes that left equal rows and the
 * table keeps column stamps; see {@code ConflictResolver.merges()}; default {@code false}). The function must exist
 * when the node opens: a node (and {@code converge config check}) refuses a configuration naming a missing one.
 *
 * <p>Converges in a mesh only as far as the function does: it must answer from the conflict's facts alone, alike on
 * every peer. A function that reads other tables sees each peer's own data, which may differ while changes travel.
 *
 * <p>Immutable; thread-safe. The registered instance is unconfigured; {@link #withParameters} and {@link #bindTo}
 * make the one that decides.
 */
public final class SqlFunctionResolver implements DatabaseResolver {
    public static final String NAME = "sql-function";

    private final Optional<String> configured;
    private final boolean merges;
    private final Optional<SqlFunction> function;

    /** The registered instance, before configuration (ServiceLoader needs a public no-argument constructor). */
    public SqlFunctionResolver() {
        this(Optional.empty(), false, Optional.empty());
    }

    private SqlFunctionResolver(Optional<String> configured, boolean merges, Optional<SqlFunction> function) {
        this.configured = configured;
        this.merges = merges;
        this.function = function;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean merges() {
        return merges;
    }

    /** The function as configured ({@code resolve_stock}); empty for the registered, unconfigured instance. */
    public Optional<String> function() {
        return configured;
    }

    /** Takes {@code function} (one name) and, optionally, {@code merges} ({@code true} or {@code false}). */
    @Override
    public SqlFunctionResolver withParameters(Map<String, List<String>> parameters) {
        for (String key : parameters.keySet()) {
            if (!key.equals("function") && !key.equals("merges")) {
                throw new IllegalArgumentException("resolver sql-function takes the parameters function and merges, found " + key);
            }
        }
        List<String> fn = parameters.getOrDefault("function", List.of());
        if (fn.size() != 1) {
            throw new IllegalArgumentException("resolver sql-function needs one function: {name: sql-function, function: NAME}"
                + (fn.isEmpty() ? "" : ", found " + fn));
        }
        List<String> merging = parameters.getOrDefault("merges", List.of("false"));
        if (merging.size() != 1 || !List.of("true", "false").contains(merging.get(0))) {
            throw new IllegalArgumentException("resolver sql-function: merges is true or false, found " + merging);
        }
        return new SqlFunctionResolver(Optional.of(fn.get(0)), Boolean.parseBoolean(merging.get(0)), Optional.empty());
    }

    /** Finds the configured function in {@code database}: it must exist, take one JSON or text argument and return one. */
    @Override
    public SqlFunctionResolver bindTo(DSLContext database) {
        String fn = configured.orElseThrow(() -> new IllegalArgumentException(
            "resolver sql-function needs one function: {name: sql-function, function: NAME}"));
        return new SqlFunctionResolver(configured, merges, Optional.of(SqlFunction.find(database, fn)));
    }

    @Override
    public Resolution resolve(Conflict conflict, ApplyTransaction transaction) {
        SqlFunction fn = function.orElseThrow(() -> new IllegalStateException("resolver sql-function was not bound to a database"));
        String json = ConflictJson.of(conflict);
        String answer = transaction.sql().connectionResult(connection -> underSavepoint(connection, () -> call(transaction, fn, json)));
        try {
            return Answer.read(answer, conflict);
        } catch (Answer.Refused e) {
            throw new IllegalStateException("function " + fn + " " + e.getMessage());
        }
    }

    private static String call(ApplyTransaction transaction, SqlFunction fn, String json) {
        DSLContext sql = transaction.sql();
        int seconds = (int) Math.max(1, (transaction.timeLimit().toMillis() + 999) / 1000);
        try {
            return sql.select(fn.call(json)).queryTimeout(seconds).fetchOne(0, String.class);
        } catch (DataAccessException e) {
            // the database's own first line is the reason; the rest (jOOQ's SQL, driver frames) would bury it in the record
            throw new IllegalStateException("function " + fn + " failed: " + SqlFunction.firstLine(
                e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    private interface Call {
        String run();
    }

    /**
     * Runs {@code call} and always rolls back to before it: the function's own writes and errors go. The savepoint is
     * named by its depth ({@link Savepoints}), so the calls for thousands of conflicts in one apply reuse one name on
     * H2 instead of leaving a savepoint each until the apply commits.
     */
    private static String underSavepoint(Connection connection, Call call) throws SQLException {
        Savepoint before = Savepoints.set(connection);
        try {
            return call.run();
        } finally {
            Savepoints.undo(connection, before);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlFunctionResolver s && s.configured.equals(configured) && s.merges == merges;
    }

    @Override
    public int hashCode() {
        return Objects.hash(NAME, configured, merges);
    }

    @Override
    public String toString() {
        return NAME + "(function=" + configured.orElse("?") + (merges ? "; merges=true" : "") + ")";
    }
}
