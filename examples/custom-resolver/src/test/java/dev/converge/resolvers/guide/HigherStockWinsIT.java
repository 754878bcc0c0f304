package dev.converge.resolvers.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide's example resolver at work on two peers of each database, named in the configuration by its class. */
class HigherStockWinsIT {
    static Cluster mesh(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"),
            "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)",
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of(HigherStockWins.class.getName()))));
        c.write("A", "INSERT INTO item VALUES (1, 'bolt', 10)");
        c.sync();
        c.tick(1000);
        return c;
    }

    @AllDialects
    void theHigherCountWinsOnBothPeersWhateverTheTimestamps(Dialect dialect) {
        Cluster c = mesh(dialect, "guide_higher");
        c.write("A", "UPDATE item SET stock = 7, name = 'bolt A' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET stock = 5, name = 'bolt B' WHERE id = 1"); // later, but lower
        c.sync();
        for (String node : List.of("A", "B")) {
            assertEquals("bolt A", c.sql(node).scalar("SELECT name FROM item WHERE id = 1"), node);
            assertEquals(7, ((Number) c.sql(node).scalar("SELECT stock FROM item WHERE id = 1")).intValue(), node);
        }
    }

    @AllDialects
    void equalCountsGoByTheLatestWrite(Dialect dialect) {
        Cluster c = mesh(dialect, "guide_tie");
        c.write("A", "UPDATE item SET stock = 7, name = 'bolt A' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET stock = 7, name = 'bolt B' WHERE id = 1");
        c.sync();
        for (String node : List.of("A", "B")) {
            assertEquals("bolt B", c.sql(node).scalar("SELECT name FROM item WHERE id = 1"), node);
        }
    }

    /** The guide's counter-example: with a write chained after the winner, three peers do not end alike. */
    @AllDialects
    void inAMeshAChainedWriteCanMakeThePeersDiffer(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "guide_mesh", List.of("A", "B", "C"),
            "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)",
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of(HigherStockWins.class.getName()))));
        c.write("A", "INSERT INTO item VALUES (1, 'bolt', 0)");
        c.sync();
        c.tick(1000);
        c.write("A", "UPDATE item SET stock = 9 WHERE id = 1");
        c.deliver("A", "B");
        c.tick(1000);
        c.write("B", "UPDATE item SET stock = 2 WHERE id = 1"); // after A's: no conflict at B
        c.write("C", "UPDATE item SET stock = 5 WHERE id = 1"); // before hearing of either
        c.sync();
        java.util.Map<String, Integer> stock = new java.util.TreeMap<>();
        for (String node : List.of("A", "B", "C")) {
            stock.put(node, ((Number) c.sql(node).scalar("SELECT stock FROM item WHERE id = 1")).intValue());
        }
        assertEquals(java.util.Map.of("A", 5, "B", 5, "C", 2), stock, "the divergence the guide describes");
    }

    /** The guide shows this example's source as it is: the code a reader copies is the code tested here. */
    @Test
    void theGuideShowsThisVeryCode() throws Exception {
        assertEquals(Guide.source(HigherStockWins.class), Guide.block("java", "package dev.converge.resolvers.guide;\n\nimport dev.converge.conflict.Conflict;"));
        assertEquals(Guide.source(HigherStockWinsProperties.class), Guide.block("java", "package dev.converge.resolvers.guide;\n\nimport static"));
    }
}
