package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;

/**
 * Values of the common column types, in a table with a composite key, arrive at the peer exactly as written: through
 * capture (H2's Java objects, PostgreSQL's jsonb), the ChangeSet and the typed write at the target.
 */
class ColumnTypesIT {
    static String schema(Dialect dialect) {
        String binary = dialect == Dialect.POSTGRESQL ? "BYTEA" : "VARBINARY(16)";
        return "CREATE TABLE typed (id INT, code VARCHAR(10), price NUMERIC(10,2), qty BIGINT, ratio DOUBLE PRECISION,"
            + " active BOOLEAN, born DATE, seen TIMESTAMP, seen_tz TIMESTAMP WITH TIME ZONE, at_time TIME(6), data " + binary
            + ", note VARCHAR(200), PRIMARY KEY (id, code))";
    }

    static final String SELECT = "SELECT id, code, CAST(price AS VARCHAR(20)) AS price, qty, ratio, active, CAST(born AS VARCHAR(20)) AS born,"
        + " CAST(seen AS VARCHAR(40)) AS seen, CAST(at_time AS VARCHAR(20)) AS at_time, note FROM typed ORDER BY id, code";

    static void assertSameRows(Cluster c) {
        assertEquals(c.sql("A").query(SELECT), c.sql("B").query(SELECT), "B holds the same values as A, column by column.");
        assertEquals(c.sql("A").query("SELECT id, code, data FROM typed ORDER BY id, code").stream().map(r -> java.util.Arrays.toString((byte[]) r.get("data"))).toList(),
            c.sql("B").query("SELECT id, code, data FROM typed ORDER BY id, code").stream().map(r -> java.util.Arrays.toString((byte[]) r.get("data"))).toList(),
            "B holds the same bytes as A.");
        assertEquals(c.sql("A").query("SELECT id, code FROM typed WHERE seen_tz = TIMESTAMP WITH TIME ZONE '2026-01-01 12:00:00.25+02:00'"),
            c.sql("B").query("SELECT id, code FROM typed WHERE seen_tz = TIMESTAMP WITH TIME ZONE '2026-01-01 12:00:00.25+02:00'"),
            "B holds the same instants as A.");
        assertEquals(c.data("A"), c.data("B"), "A and B hold the same replicated rows.");
    }

    @AllDialects
    void everyCommonTypeArrivesAsWritten(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "types", List.of("A", "B"), schema(dialect), List.of(TableConfig.of("typed")));
        String bytes = dialect == Dialect.POSTGRESQL ? "'\\x00ff10'::bytea" : "X'00ff10'";
        // fractions of a second in a TIME: H2's row trigger receives a java.sql.Time, which has none (a known limit)
        String time = dialect == Dialect.POSTGRESQL ? "TIME '23:59:58.123456'" : "TIME '23:59:58'";
        c.write("A", "INSERT INTO typed VALUES (1, 'a b', 1234.50, 9007199254740993, 0.1, TRUE, DATE '2026-02-28',"
                + " TIMESTAMP '2026-01-01 12:00:00.123456', TIMESTAMP WITH TIME ZONE '2026-01-01 12:00:00.25+02:00', " + time + ","
                + " " + bytes + ", 'ăîșț \"quoted\" \\ back')",
            "INSERT INTO typed (id, code) VALUES (1, 'nulls')");
        assertEquals(1, c.deliver("A", "B"), "A ships one ChangeSet.");
        assertSameRows(c);

        c.write("A", "UPDATE typed SET price = price + 0.01, qty = qty - 1, ratio = ratio * 3, active = FALSE, born = DATE '2024-02-29',"
            + " note = NULL WHERE id = 1 AND code = 'a b'", "UPDATE typed SET note = 'set' WHERE code = 'nulls'");
        c.deliver("A", "B");
        assertSameRows(c);
        assertTrue(c.node("B").conflicts().isEmpty(), "The update met its rows unchanged at B: " + c.node("B").conflicts());

        c.write("A", "DELETE FROM typed WHERE id = 1 AND code = 'a b'");
        c.deliver("A", "B");
        assertSameRows(c);
        assertEquals(List.of(Map.of("code", "nulls")), c.sql("B").query("SELECT code FROM typed"), "The delete by composite key removed one row at B.");
        assertTrue(c.node("B").conflicts().isEmpty(), "No conflict at B: " + c.node("B").conflicts());
    }

    @AllDialects
    void theSameBytesWrittenOnBothNodesAreTheSameOutcome(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "types_same", List.of("A", "B"), schema(dialect), List.of(TableConfig.of("typed")));
        c.write("A", "INSERT INTO typed (id, code) VALUES (1, 'x')");
        c.sync();
        String bytes = dialect == Dialect.POSTGRESQL ? "'\\xcafe'::bytea" : "X'cafe'";
        c.write("A", "UPDATE typed SET data = " + bytes);
        c.write("B", "UPDATE typed SET data = " + bytes);
        c.sync();
        assertSameRows(c);
        assertTrue(c.node("A").conflicts().isEmpty() && c.node("B").conflicts().isEmpty(),
            "Both nodes wrote the same bytes: the images compare equal and no conflict is recorded: "
                + c.node("A").conflicts() + " " + c.node("B").conflicts());
    }
}
