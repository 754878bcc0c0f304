package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each value of each column type arrives at the peer exactly as written, and travels back unchanged: compared as the
 * databases' own text of the value ({@code col::text}, {@code CAST(col AS VARCHAR)}), never through JDBC's
 * conversions, which hide calendar shifts and lost fractions. One row per value, one column of the type under test,
 * and a {@code tag} column the peer updates so the row travels back.
 */
class ValueFidelityIT {
    /** A column type and literals of it, one row each (SQL literals as the dialect writes them). */
    record Case(String type, List<String> literals) {
        static Case of(String type, String... literals) {
            return new Case(type, List.of(literals));
        }
    }

    static void assertRoundTrips(Dialect dialect, String name, String prelude, List<Case> cases) {
        StringBuilder ddl = new StringBuilder(prelude);
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            String t = "t" + i;
            tables.add(t);
            ddl.append("CREATE TABLE ").append(t).append(" (id INT PRIMARY KEY, v ").append(cases.get(i).type())
                .append(", tag VARCHAR(10));\n");
        }
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"), ddl.toString(), tables.stream().map(TableConfig::of).toList());
        List<String> inserts = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            List<String> literals = cases.get(i).literals();
            for (int r = 0; r < literals.size(); r++) {
                inserts.add("INSERT INTO t" + i + " (id, v) VALUES (" + r + ", " + literals.get(r) + ")");
            }
            inserts.add("INSERT INTO t" + i + " (id, v) VALUES (" + literals.size() + ", NULL)");
        }
        c.write("A", inserts.toArray(String[]::new));
        Map<String, List<String>> written = texts(c, "A", dialect, cases);
        c.deliver("A", "B");
        assertTrue(c.node("B").conflicts().isEmpty(), "Nothing was refused or in conflict at B: " + c.node("B").conflicts());
        assertEquals(written, texts(c, "B", dialect, cases), "B holds every value exactly as A wrote it.");

        c.write("B", tables.stream().map(t -> "UPDATE " + t + " SET tag = 'back'").toArray(String[]::new));
        c.deliver("B", "A");
        assertEquals(written, texts(c, "A", dialect, cases), "The values travelled back to A unchanged.");
        assertTrue(c.node("A").conflicts().isEmpty(), "The update met A's rows as B saw them: no conflict: " + c.node("A").conflicts());
        assertEquals(c.data("A"), c.data("B"), "A and B hold the same replicated rows.");
    }

    /** Per table, its values as the database's text, in key order. */
    static Map<String, List<String>> texts(Cluster c, String node, Dialect dialect, List<Case> cases) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            String type = cases.get(i).type();
            // H2 will not cast binary to text: its hex digits then
            String text = dialect == Dialect.POSTGRESQL ? "v::text" : type.contains("BLOB") || type.contains("BINARY") ? "RAWTOHEX(v)" : "CAST(v AS VARCHAR)";
            out.put(cases.get(i).type(), c.sql(node).query("SELECT " + text + " AS x FROM t" + i + " ORDER BY id").stream()
                .map(r -> (String) r.get("x")).toList());
        }
        return out;
    }

    @Test
    void h2() {
        assertRoundTrips(Dialect.H2, "fidelity_h2", "", List.of(
            Case.of("JSON", "JSON '{\"a\": [1, 2.50, null]}'", "JSON '\"text\"'", "JSON 'null'", "JSON '5'"),
            Case.of("BLOB", "X'00ff10'", "X''"),
            Case.of("CLOB", "'ăîșț \u00e9 \uD83D\uDE00'"),
            Case.of("VARBINARY(8)", "X'cafe'"),
            Case.of("DATE", "DATE '1582-10-10'", "DATE '0001-01-01'", "DATE '1582-10-15'", "DATE '-0043-03-15'", "DATE '9999-12-31'"),
            Case.of("TIMESTAMP(9)", "TIMESTAMP '1582-10-10 12:00:00.123456789'", "TIMESTAMP '0001-01-01 00:00:00'",
                "TIMESTAMP '2026-01-01 23:59:59.999999999'"),
            Case.of("TIME(9)", "TIME '23:59:58.123456789'", "TIME '00:00:00'"),
            Case.of("TIMESTAMP(9) WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE '1500-01-01 12:00:00.5+02:00'"),
            Case.of("TIME WITH TIME ZONE", "TIME WITH TIME ZONE '10:00:00+03:00'"),
            Case.of("NUMERIC(20,4)", "1.5000", "-0.0001", "0"),
            Case.of("DECFLOAT", "1.50", "1E+400"),
            Case.of("REAL", "0.1", "CAST('NaN' AS REAL)", "CAST('Infinity' AS REAL)"),
            Case.of("DOUBLE PRECISION", "0.1", "CAST('NaN' AS DOUBLE PRECISION)", "CAST('-Infinity' AS DOUBLE PRECISION)", "4.9E-324"),
            Case.of("UUID", "'0b1e9f3c-6a43-4d1c-9a6c-1c2a3b4c5d6e'"),
            Case.of("ENUM('happy', 'sad')", "'sad'"),
            Case.of("INTERVAL DAY TO SECOND", "INTERVAL '1 02:03:04.5' DAY TO SECOND"),
            Case.of("INTEGER ARRAY", "ARRAY[1, NULL, 3]", "ARRAY[]"),
            Case.of("VARCHAR(10) ARRAY", "ARRAY['a', 'b,c', '\"']")));
    }

    @Test
    void postgresql() {
        assertRoundTrips(Dialect.POSTGRESQL, "fidelity_pg", "CREATE TYPE mood AS ENUM ('happy', 'sad');\n", List.of(
            Case.of("mood", "'sad'"),
            Case.of("inet", "'192.168.0.1/24'", "'::1'"),
            Case.of("cidr", "'10.0.0.0/8'"),
            Case.of("macaddr", "'08:00:2b:01:02:03'"),
            Case.of("bit varying(8)", "B'101'"),
            Case.of("bit(3)", "B'011'"),
            Case.of("money", "12.34"),
            Case.of("point", "'(1.5,2)'"),
            Case.of("box", "'((0,0),(1,1))'"),
            Case.of("circle", "'<(0,0),2>'"),
            Case.of("polygon", "'((0,0),(1,0),(0,1))'"),
            Case.of("int4range", "'[1,10)'", "'empty'"),
            Case.of("tstzrange", "'[2026-01-01 00:00+00,)'"),
            Case.of("tsvector", "'a fat cat'"),
            Case.of("interval", "'1 year 2 mons 3 days 04:05:06.789'"),
            Case.of("xml", "'<a>b</a>'"),
            Case.of("int[]", "'{1,NULL,3}'", "'{}'", "'{{1,2},{3,4}}'"),
            Case.of("text[]", "'{\"a b\",\"c,d\",NULL,\"\\\\\"}'"),
            Case.of("numeric", "1.50", "'NaN'", "'Infinity'", "'-Infinity'", "0.000000000000000000000001", "1e30"),
            Case.of("numeric(10,2)", "1.5"),
            Case.of("real", "0.1", "'NaN'", "'Infinity'"),
            Case.of("double precision", "0.1", "'-Infinity'", "'NaN'"),
            Case.of("date", "'1582-10-10'", "'0044-03-15 BC'", "'infinity'", "'-infinity'", "'0001-01-01'", "'5874897-12-31'"),
            Case.of("timestamp", "'1582-10-10 12:00:00.123456'", "'0044-03-15 12:00 BC'", "'infinity'", "'-infinity'"),
            Case.of("timestamptz", "'1582-10-10 12:00:00.5+02'", "'infinity'"),
            Case.of("time", "'23:59:58.123456'", "'24:00:00'"),
            Case.of("timetz", "'10:00:00+03'"),
            Case.of("bytea", "'\\x00ff'", "''"),
            Case.of("jsonb", "'{\"a\": 1.50}'"),
            Case.of("uuid", "'0b1e9f3c-6a43-4d1c-9a6c-1c2a3b4c5d6e'"),
            Case.of("text", "'ăîșț \uD83D\uDE00 \\'")));
    }
}
