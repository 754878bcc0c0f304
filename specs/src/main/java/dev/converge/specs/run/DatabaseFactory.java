package dev.converge.specs.run;

import dev.converge.dialect.Dialect;
import dev.converge.scratch.ScratchDatabase;
import javax.sql.DataSource;

/** Where the runner gets a fresh, empty database for each node of each run. Must be thread-safe. */
@FunctionalInterface
public interface DatabaseFactory {
    /** A new empty database; {@code name} only makes it recognisable. */
    DataSource create(Dialect dialect, String name);

    /** In-memory H2, or a new database on the shared (embedded or configured) PostgreSQL server. */
    static DatabaseFactory scratch() {
        return (dialect, name) -> switch (dialect) {
            case H2 -> ScratchDatabase.h2(name);
            case POSTGRESQL -> ScratchDatabase.postgresql(name);
        };
    }
}
