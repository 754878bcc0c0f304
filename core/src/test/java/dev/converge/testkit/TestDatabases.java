package dev.converge.testkit;

import dev.converge.dialect.Dialect;
import dev.converge.scratch.ScratchDatabase;
import javax.sql.DataSource;

/**
 * Fresh databases for tests. Each call returns a new empty database, so tests never see each other's rows even when
 * they run in parallel or reuse a name. PostgreSQL comes from {@code CONVERGE_PG_URL} or an embedded server.
 */
public final class TestDatabases {
    private TestDatabases() {}

    /** A new empty database of the dialect; {@code name} only labels it (any text; it is sanitised). */
    public static DataSource fresh(Dialect dialect, String name) {
        return switch (dialect) {
            case H2 -> ScratchDatabase.h2(name);
            case POSTGRESQL -> ScratchDatabase.postgresql(name);
        };
    }
}
