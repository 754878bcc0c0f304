package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any value of any supported column type arrives at the peer exactly as written and travels back unchanged, on both
 * databases: rows of generated values (edge values included: extremes, NaN, infinity, empty, NULL, multibyte, long)
 * are written at A, delivered to B, updated there and delivered back; every column is compared as each database's own
 * text of it ({@code col::text}, {@code CAST(col AS VARCHAR)}, hex for bytes), never through JDBC's conversions. One
 * cluster per dialect serves every try (a try's rows have their own keys), to keep the property within CI's budget.
 */
class ValueFidelityProperties {
    /** A column: its type per dialect, and a generator of SQL literals of it per dialect. */
    record Column(String name, String h2Type, String pgType, Function<Dialect, Arbitrary<String>> literal) {
        String type(Dialect d) {
            return d == Dialect.POSTGRESQL ? pgType : h2Type;
        }

        String text(Dialect d) {
            if (d == Dialect.POSTGRESQL) {
                return name + "::text";
            }
            return h2Type.contains("BINARY") ? "RAWTOHEX(" + name + ")" : "CAST(" + name + " AS VARCHAR)";
        }
    }

    private static final List<Column> COLUMNS = List.of(
        new Column("i", "INT", "int", d -> Arbitraries.integers().map(String::valueOf)),
        new Column("b", "BIGINT", "bigint", d -> Arbitraries.longs().map(String::valueOf)),
        new Column("dec", "NUMERIC(38,10)", "numeric(38,10)", d -> Arbitraries.bigDecimals()
            .between(new BigDecimal("-9999999999999999999999999999"), new BigDecimal("9999999999999999999999999999")).ofScale(10)
            .map(BigDecimal::toPlainString)),
        new Column("num", "NUMERIC(40,8)", "numeric", d -> Arbitraries.oneOf(
            Arbitraries.integers().between(0, 8).flatMap(scale -> Arbitraries.bigDecimals()
                .between(new BigDecimal("-1e20"), new BigDecimal("1e20")).ofScale(scale)).map(BigDecimal::toPlainString),
            Arbitraries.of("1.50", "0.000", "-0.00000001", "100").map(s -> s),
            d == Dialect.POSTGRESQL ? Arbitraries.of("'NaN'", "'Infinity'", "'-Infinity'") : Arbitraries.of("0"))),
        new Column("dbl", "DOUBLE PRECISION", "double precision", d -> Arbitraries.oneOf(
            // not -0.0: it arrives as 0 (a known limit, see the README)
            Arbitraries.doubles().filter(x -> Double.compare(x, -0.0) != 0).map(x -> "CAST('" + x + "' AS DOUBLE PRECISION)"),
            Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE, 0.1)
                .map(x -> "CAST('" + x + "' AS DOUBLE PRECISION)"))),
        new Column("flt", "REAL", "real", d -> Arbitraries.oneOf(
            Arbitraries.floats().filter(x -> Float.compare(x, -0.0f) != 0).map(x -> "CAST('" + x + "' AS REAL)"),
            Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE, 0.1f).map(x -> "CAST('" + x + "' AS REAL)"))),
        new Column("s", "VARCHAR(3000)", "varchar(3000)", d -> Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('\u0001', '\uD7FF').ofMaxLength(40),
            Arbitraries.strings().withChars("ăîșțé'\"\\ \n").ofMaxLength(2990).map(x -> x + "\uD83D\uDE00"),
            Arbitraries.of("")).map(ValueFidelityProperties::quote)),
        new Column("flag", "BOOLEAN", "boolean", d -> Arbitraries.of("TRUE", "FALSE")),
        new Column("d", "DATE", "date", d -> Arbitraries.oneOf(
            Arbitraries.longs().between(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay()).map(LocalDate::ofEpochDay),
            Arbitraries.of(LocalDate.of(1582, 10, 4), LocalDate.of(1582, 10, 10), LocalDate.of(1582, 10, 15), LocalDate.of(1, 1, 1),
                LocalDate.of(1900, 2, 28), LocalDate.of(2000, 2, 29))).map(x -> "DATE '" + x + "'")),
        new Column("ts", "TIMESTAMP(6)", "timestamp(6)", d -> Combinators.combine(
            Arbitraries.longs().between(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay()),
            Arbitraries.longs().between(0, 86_399_999_999L)).as((day, micros) -> LocalDate.ofEpochDay(day).atStartOfDay().plusNanos(micros * 1000))
            .map(x -> "TIMESTAMP '" + x.toString().replace('T', ' ') + "'")),
        new Column("tm", "TIME(6)", "time(6)", d -> Arbitraries.longs().between(0, 86_399_999_999L)
            .map(micros -> LocalTime.ofNanoOfDay(micros * 1000)).map(x -> "TIME '" + x + "'")),
        new Column("bin", "VARBINARY(2000)", "bytea", d -> Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)
            .map(bytes -> d == Dialect.POSTGRESQL ? "'\\x" + HexFormat.of().formatHex(bytes) + "'::bytea" : "X'" + HexFormat.of().formatHex(bytes) + "'")),
        new Column("j", "JSON", "jsonb", d -> Arbitraries.strings().withChars("abă\"\\ ").ofMaxLength(10)
            .map(x -> "{\"k\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(x) + ", \"n\": [1, 2.50, null]}")
            .map(json -> d == Dialect.POSTGRESQL ? quote(json) : "JSON " + quote(json))),
        new Column("u", "UUID", "uuid", d -> Arbitraries.create(java.util.UUID::randomUUID).map(x -> quote(x.toString()))),
        new Column("arr", "INTEGER ARRAY", "int[]", d -> Arbitraries.integers().injectNull(0.2).list().ofMaxSize(5)
            .map(list -> {
                String elements = String.join(", ", list.stream().map(String::valueOf).map(x -> x.equals("null") ? "NULL" : x).toList());
                return d == Dialect.POSTGRESQL ? "CAST(ARRAY[" + elements + "]::int[] AS int[])" : "CAST(ARRAY[" + elements + "] AS INTEGER ARRAY)";
            })));

    private static final Map<Dialect, Cluster> CLUSTERS = new EnumMap<>(Dialect.class);
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static synchronized Cluster cluster(Dialect d) {
        return CLUSTERS.computeIfAbsent(d, dialect -> {
            StringBuilder ddl = new StringBuilder("CREATE TABLE val (id INT PRIMARY KEY, tag VARCHAR(10)");
            COLUMNS.forEach(c -> ddl.append(", ").append(c.name()).append(' ').append(c.type(dialect)));
            ddl.append(")");
            return Cluster.of(dialect, "fidelity_prop", List.of("A", "B"), ddl.toString(), List.of(TableConfig.of("val")));
        });
    }

    @Provide
    Arbitrary<List<List<String>>> h2Rows() {
        return rows(Dialect.H2);
    }

    @Provide
    Arbitrary<List<List<String>>> postgresRows() {
        return rows(Dialect.POSTGRESQL);
    }

    /** One to four rows, each a literal (or NULL) per column. */
    private static Arbitrary<List<List<String>>> rows(Dialect d) {
        List<Arbitrary<String>> perColumn = COLUMNS.stream().map(c -> c.literal().apply(d).injectNull(0.1).map(x -> x == null ? "NULL" : x)).toList();
        return Combinators.combine(perColumn).as(List::copyOf).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 30)
    void everyH2ValueRoundTrips(@ForAll("h2Rows") List<List<String>> rows) {
        roundTrip(Dialect.H2, rows);
    }

    @Property(tries = 20)
    void everyPostgresValueRoundTrips(@ForAll("postgresRows") List<List<String>> rows) {
        roundTrip(Dialect.POSTGRESQL, rows);
    }

    private static void roundTrip(Dialect dialect, List<List<String>> rows) {
        Cluster c = cluster(dialect);
        int first = NEXT_ID.getAndAdd(rows.size());
        List<String> inserts = new ArrayList<>();
        String columns = String.join(", ", COLUMNS.stream().map(Column::name).toList());
        for (int r = 0; r < rows.size(); r++) {
            inserts.add("INSERT INTO val (id, " + columns + ") VALUES (" + (first + r) + ", " + String.join(", ", rows.get(r)) + ")");
        }
        c.write("A", inserts.toArray(String[]::new));
        String range = " WHERE id >= " + first + " AND id < " + (first + rows.size()) + " ORDER BY id";
        String select = "SELECT " + String.join(", ", COLUMNS.stream().map(col -> col.text(dialect) + " AS " + col.name()).toList()) + " FROM val" + range;
        List<Map<String, Object>> written = c.sql("A").query(select);
        c.deliver("A", "B");
        assertTrue(c.node("B").conflicts().isEmpty(), "B took every row: " + c.node("B").conflicts());
        assertSame(written, c.sql("B").query(select), "B holds every value as A wrote it");
        c.write("B", "UPDATE val SET tag = 'back'" + range.replace(" ORDER BY id", ""));
        c.deliver("B", "A");
        assertTrue(c.node("A").conflicts().isEmpty(), "B's update met A's rows as B saw them: " + c.node("A").conflicts());
        assertSame(written, c.sql("A").query(select), "The values travelled back to A unchanged");
    }

    /** Row by row, column by column, so that a failure names the one value that differs. */
    private static void assertSame(List<Map<String, Object>> expected, List<Map<String, Object>> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": as many rows");
        for (int r = 0; r < expected.size(); r++) {
            for (String column : expected.get(r).keySet()) {
                assertEquals(expected.get(r).get(column), actual.get(r).get(column), what + ": row " + r + ", column " + column);
            }
        }
    }
}
