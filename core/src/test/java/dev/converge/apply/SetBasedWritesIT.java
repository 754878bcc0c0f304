package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many rows of one ChangeSet are written as one statement each for its inserts, updates and deletes (on PostgreSQL
 * through a json recordset; a value without a faithful JSON form, or a key repeated in a run, falls back to a JDBC
 * batch). Whatever the path, the peer must hold exactly what the origin holds, and a refused row must be the only one
 * left out. (A NUMERIC NaN is not among the values: it has no BigDecimal form and does not replicate yet.)
 */
class SetBasedWritesIT {
    // no INTERVAL column: jOOQ's interval types have no JSON form here, and the whole run would go as a JDBC batch
    private static final String PG_TYPES = "CREATE TABLE odd (id UUID PRIMARY KEY, doc JSONB, plain JSON,"
        + " n NUMERIC, d DOUBLE PRECISION, r REAL, t TEXT, c CHAR(3))";
    private static final String PG_SELECT = "SELECT id::text, doc::text, plain::text, n::text, d::text, r::text, t, c"
        + " FROM odd ORDER BY id";

    @Test
    void postgresTypesBeyondTheCommonOnesArriveAsWritten() {
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "setbased_types", List.of("A", "B"), PG_TYPES, List.of(TableConfig.of("odd")));
        c.write("A",
            "INSERT INTO odd VALUES ('00000000-0000-0000-0000-000000000001', '{\"a\": [1, 2, {\"b\": null}]}', '{\"x\":  1, \"x\": 2}',"
                + " 0, 'Infinity', '-Infinity', E'tab\\there \"q\" \\\\ ă', 'ab')",
            "INSERT INTO odd VALUES ('00000000-0000-0000-0000-000000000002', '\"just a string\"', '[1,2, 1.0e2]',"
                + " 123456789012345678901234567890.123456789, 1e-300, 0.1, NULL, NULL)");
        // a JSON null cannot travel in a recordset (it would arrive as SQL NULL): this statement's run goes as a batch
        c.write("A", "INSERT INTO odd VALUES ('00000000-0000-0000-0000-000000000003', 'null', 'null', -0.5, -0.0, 3.4e38, '', ''),"
            + " ('00000000-0000-0000-0000-000000000004', NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        c.deliver("A", "B");
        assertEquals(c.sql("A").query(PG_SELECT), c.sql("B").query(PG_SELECT), "B holds the inserted rows exactly as A, column by column: " + c.node("B").conflicts());

        c.write("A", "UPDATE odd SET doc = jsonb_build_object('k', doc), plain = '{\"y\" :  3}', n = n + 1");
        c.deliver("A", "B");
        assertEquals(c.sql("A").query(PG_SELECT), c.sql("B").query(PG_SELECT), "B holds the updated rows exactly as A (no JSON null left: the run went as one statement).");

        c.write("A", "DELETE FROM odd WHERE id <> '00000000-0000-0000-0000-000000000003'");
        c.deliver("A", "B");
        assertEquals(c.sql("A").query(PG_SELECT), c.sql("B").query(PG_SELECT), "The multi-row delete removed exactly those rows at B.");
        assertEquals(1, c.sql("B").query(PG_SELECT).size(), "One row is left at B.");
        assertTrue(c.node("B").conflicts().isEmpty(), "Nothing conflicted at B: " + c.node("B").conflicts());
    }

    @AllDialects
    void aRowTheTargetRefusesIsTheOnlyOneLeftOutOfItsRun(Dialect dialect) {
        String schema = "CREATE TABLE item (id INT PRIMARY KEY, qty INT, code VARCHAR(10))";
        Cluster c = Cluster.of(dialect, "setbased_refused", List.of("A", "B"), schema, List.of(TableConfig.of("item")));
        c.sql("B").execute("ALTER TABLE item ADD CONSTRAINT item_qty_small CHECK (qty < 100)");
        c.write("A", "INSERT INTO item VALUES (1, 1, 'a')", "INSERT INTO item VALUES (2, 500, 'b')", "INSERT INTO item VALUES (3, 3, 'c')");
        c.deliver("A", "B");
        assertEquals(List.of(1, 3), ids(c, "B"), "B took every row of the run but the one its check refuses.");
        List<ConflictRecord> refused = c.node("B").conflicts();
        assertEquals(1, refused.size(), "One row was refused: " + refused);
        assertEquals(ConflictType.CONSTRAINT, refused.get(0).type(), "It is recorded as a constraint conflict.");

        c.write("A", "UPDATE item SET qty = qty * 50");
        c.deliver("A", "B");
        assertEquals(List.of(50, 150), c.sql("A").query("SELECT qty FROM item WHERE id <> 2 ORDER BY id").stream()
            .map(r -> ((Number) r.get("qty")).intValue()).toList(), "A multiplied its quantities by 50.");
        assertEquals(List.of(50, 3), c.sql("B").query("SELECT qty FROM item ORDER BY id").stream()
            .map(r -> ((Number) r.get("qty")).intValue()).toList(), "B updated row 1 and refused only row 3's new quantity.");
    }

    @Test
    void aTimestampBeforeChristArrivesWithTheRestOfItsRun() {
        // it was once refused (a java.sql.Timestamp cannot hold it); values now travel as text and are cast by the target
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "setbased_bc", List.of("A", "B"), "CREATE TABLE ev (id INT PRIMARY KEY, at TIMESTAMP)",
            List.of(TableConfig.of("ev")));
        c.write("A", "INSERT INTO ev VALUES (1, TIMESTAMP '0044-03-15 12:00:00 BC'), (2, TIMESTAMP '2026-01-01 10:00:00')");
        c.write("A", "INSERT INTO ev VALUES (3, TIMESTAMP '2026-01-02 10:00:00')");
        c.deliver("A", "B");
        assertEquals(c.sql("A").query("SELECT id, at::text AS at FROM ev ORDER BY id"), c.sql("B").query("SELECT id, at::text AS at FROM ev ORDER BY id"),
            "B holds every row as A wrote it, the year 44 BC included.");
        assertTrue(c.node("B").conflicts().isEmpty(), "Nothing was refused: " + c.node("B").conflicts());
    }

    @AllDialects
    void aChangeSetLargerThanOneRecordsetArrivesWhole(Dialect dialect) {
        String schema = "CREATE TABLE item (id INT PRIMARY KEY, qty INT, code VARCHAR(10))";
        Cluster c = Cluster.of(dialect, "setbased_large", List.of("A", "B"), schema, List.of(TableConfig.of("item")));
        String range = dialect == Dialect.POSTGRESQL ? "generate_series(1, 12000) AS r(x)" : "SYSTEM_RANGE(1, 12000) AS r(x)";
        c.write("A", "INSERT INTO item SELECT x, x, 'c' FROM " + range);
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B holds all 12,000 inserted rows (more than one recordset holds).");
        c.write("A", "UPDATE item SET qty = qty + 1, code = 'd'");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B holds all 12,000 updated rows.");
        c.write("A", "DELETE FROM item WHERE id > 10");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B deleted the same 11,990 rows.");
        assertEquals(11_990, c.node("B").tombstones("item").size(), "Every deleted row left its tombstone at B.");
        assertTrue(c.node("B").conflicts().isEmpty(), "Nothing conflicted at B: " + c.node("B").conflicts());
    }

    private static List<Integer> ids(Cluster c, String node) {
        return c.sql(node).query("SELECT id FROM item ORDER BY id").stream().map(r -> ((Number) r.get("id")).intValue()).toList();
    }
}
