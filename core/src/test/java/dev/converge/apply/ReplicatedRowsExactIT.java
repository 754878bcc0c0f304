package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * A node's replicated data (what the scenario runner's {@code converged} compares, and what apply compares images
 * with) holds the database's exact values: no calendar shift of old dates, no lost scale. Before, two nodes holding
 * 1582-10-10 and 1582-10-20 read the same (through java.sql.Date), and H2 read 0001-01-01 as 0001-01-03.
 */
class ReplicatedRowsExactIT {
    @AllDialects
    void oldDatesAndScaleReadExactly(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "exact_rows", List.of("A", "B"), "CREATE TABLE ev (id INT PRIMARY KEY, d DATE, n NUMERIC(10,2))",
            List.of(TableConfig.of("ev")));
        c.write("A", "INSERT INTO ev VALUES (1, DATE '1582-10-10', 1.50)", "INSERT INTO ev VALUES (2, DATE '0001-01-01', 2)");
        c.write("B", "INSERT INTO ev VALUES (1, DATE '1582-10-20', 1.50)", "INSERT INTO ev VALUES (2, DATE '0001-01-01', 2)");
        List<?> a = c.rows("A", "ev");
        assertEquals("1582-10-10", c.rows("A", "ev").get(0).get("d"), "A's date reads as written: " + a);
        assertEquals("0001-01-01", c.rows("A", "ev").get(1).get("d"), "Year 1 reads as written: " + a);
        assertEquals(new java.math.BigDecimal("1.50"), c.rows("A", "ev").get(0).get("n"), "The scale is kept: " + a);
        assertNotEquals(c.data("A"), c.data("B"), "Nodes holding different dates do not look converged.");
    }
}
