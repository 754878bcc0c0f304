package dev.converge.resolvers.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guide's SQL-function example, "the higher stock count wins", as the guide shows it: its PL/pgSQL function on
 * PostgreSQL, its Java function alias on H2, each created from the guide's own text on two peers.
 */
class StockFunctionsIT {
    static final String POSTGRES = "CREATE FUNCTION resolve_stock(c jsonb)";
    static final String H2 = "CREATE ALIAS resolve_stock";

    static String function(Dialect dialect) {
        try {
            return Guide.block("sql", dialect == Dialect.POSTGRESQL ? POSTGRES : H2).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Cluster mesh(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"), "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)",
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of("sql-function").withParameter("function", List.of("resolve_stock")))),
            b -> b, db -> {
                Sql.on(db).execute(function(dialect).replaceAll(";$", ""));
                return db;
            });
        c.write("A", "INSERT INTO item VALUES (1, 'bolt', 10)");
        c.sync();
        c.tick(1000);
        return c;
    }

    @AllDialects
    void theHigherCountWinsOnBothPeersWhateverTheTimestamps(Dialect dialect) {
        Cluster c = mesh(dialect, "guide_fn_higher");
        c.write("A", "UPDATE item SET stock = 7, name = 'bolt A' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET stock = 5, name = 'bolt B' WHERE id = 1"); // later, but lower
        c.sync();
        for (String node : List.of("A", "B")) {
            assertEquals("bolt A", c.sql(node).scalar("SELECT name FROM item WHERE id = 1"), node);
        }
    }

    @AllDialects
    void equalCountsGoByTheLatestWrite(Dialect dialect) {
        Cluster c = mesh(dialect, "guide_fn_tie");
        c.write("A", "UPDATE item SET stock = 7, name = 'bolt A' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET stock = 7, name = 'bolt B' WHERE id = 1");
        c.sync();
        for (String node : List.of("A", "B")) {
            assertEquals("bolt B", c.sql(node).scalar("SELECT name FROM item WHERE id = 1"), node);
        }
    }

    /** The H2 alias's class is shown as it is. */
    @Test
    void theGuideShowsTheAliasClassAsItIs() throws Exception {
        assertEquals(Guide.source(StockFunctions.class), Guide.block("java", "package dev.converge.resolvers.guide;\n\nimport com.fasterxml"));
    }
}
