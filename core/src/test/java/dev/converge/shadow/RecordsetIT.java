package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: rows written through a {@link Recordset} (typed arrays, or JSON for a column type arrays cannot name) hold
 * exactly what the same rows bound one value at a time hold — compared in SQL, as text. The column types are the
 * database's, read by jOOQ as the catalog reads them.
 */
class RecordsetIT {
    private static final String COLUMNS = "id INT PRIMARY KEY, i8 BIGINT, i2 SMALLINT, num NUMERIC(12, 2), r REAL, d DOUBLE PRECISION,"
        + " b BOOLEAN, vc VARCHAR(12), ch CHAR(5), tx TEXT, dt DATE, tm TIME, ts TIMESTAMP(3), tz TIMESTAMP WITH TIME ZONE, by BYTEA,"
        + " u UUID, js JSON, jb JSONB";

    private static List<Object[]> rows() {
        List<Object[]> rows = new ArrayList<>();
        String[] texts = {"plain", "q\"b\\c,{}", "NULL", "", " sp ", "ă✓𝄞", "tab\tnl\n"};
        for (int i = 0; i < texts.length; i++) {
            rows.add(new Object[] {i, 9_007_199_254_740_993L + i, (short) -i, new BigDecimal(i + ".05"), i == 3 ? Float.NaN : 1.5f * i,
                i == 4 ? Double.NEGATIVE_INFINITY : 0.1d * i, i % 2 == 0, texts[i], "ab", texts[i] + texts[i],
                LocalDate.of(2000 + i, 3, 15), LocalTime.of(23, 59, i, 123_456_000),
                LocalDateTime.of(2026, 12, 5, 10, i, 0, 123_000_000), OffsetDateTime.of(2026, 12, 5, 10, i, 0, 0, ZoneOffset.ofHours(i - 3)),
                new byte[] {(byte) i, (byte) 0xff, 0x5c}, new UUID(i, 42), JSON.valueOf("{\"b\": 1,  \"a\": [" + i + "]}"),
                i == 2 ? JSONB.valueOf("null") : JSONB.valueOf("{\"t\": \"" + i + "\"}")});
        }
        rows.add(new Object[18]); // every column NULL but the key
        rows.get(rows.size() - 1)[0] = 99;
        return rows;
    }

    @Test
    void rowsOfEveryCommonTypeWriteAsTheyWouldBoundOneByOne() throws Exception {
        DataSource db = TestDatabases.fresh(Dialect.POSTGRESQL, "recordset_types");
        Sql.on(db).execute("CREATE TABLE via_set (" + COLUMNS + ")", "CREATE TABLE one_by_one (" + COLUMNS + ")");
        try (var c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.POSTGRESQL.jooq());
            Table<?> set = ctx.meta().getTables("via_set").get(0);
            Table<?> single = ctx.meta().getTables("one_by_one").get(0);
            List<Object[]> rows = rows();
            Table<Record> source = Recordset.source(set, Arrays.asList(set.fields()), rows, "cv_v").orElseThrow();
            assertTrue(ctx.renderInlined(DSL.selectFrom(source)).contains("unnest("), "these types go as typed arrays");
            ctx.insertInto(set).select(DSL.selectFrom(source)).execute();
            for (Object[] row : rows) {
                ctx.insertInto(single).values(row).execute();
            }
            // jOOQ binds a LocalTime as java.sql.Time, which has no fraction of a second: the expected value, in SQL
            ctx.execute("UPDATE one_by_one SET tm = CAST(tm AS TIME) + INTERVAL '0.123456 second' WHERE tm IS NOT NULL");
        }
        assertSame(db, "via_set", 8);
    }

    /** A column of a type jOOQ reports as OTHER (here an enum and inet) sends the rows through JSON, with the same result. */
    @Test
    void aTypeArraysCannotNameGoesAsJson() throws Exception {
        DataSource db = TestDatabases.fresh(Dialect.POSTGRESQL, "recordset_other");
        Sql.on(db).execute("CREATE TYPE mood AS ENUM ('ok', 'sad')", "CREATE TABLE via_set (id INT PRIMARY KEY, m mood, ip INET, n INT)",
            "CREATE TABLE one_by_one (id INT PRIMARY KEY, m mood, ip INET, n INT)",
            "INSERT INTO one_by_one VALUES (1, 'ok', '10.0.0.1', 5), (2, 'sad', '::1', NULL)");
        try (var c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.POSTGRESQL.jooq());
            Table<?> set = ctx.meta().getTables("via_set").get(0);
            List<Field<?>> columns = Arrays.asList(set.fields());
            Table<Record> source = Recordset.source(set, columns, List.of(new Object[] {1, "ok", "10.0.0.1", 5},
                new Object[] {2, "sad", "::1", null}), "cv_v").orElseThrow();
            assertTrue(ctx.renderInlined(DSL.selectFrom(source)).contains("json_populate_recordset"), "an enum or inet goes as JSON");
            ctx.insertInto(set).select(DSL.selectFrom(source)).execute();
        }
        assertSame(db, "via_set", 2);
    }

    private static void assertSame(DataSource db, String table, int rows) {
        Sql sql = Sql.on(db);
        String asText = "SELECT CAST(t AS TEXT) FROM %s t";
        long differ = ((Number) sql.scalar("SELECT COUNT(*) FROM ((" + asText.formatted(table) + " EXCEPT " + asText.formatted("one_by_one")
            + ") UNION ALL (" + asText.formatted("one_by_one") + " EXCEPT " + asText.formatted(table) + ")) x")).longValue();
        assertEquals(0, differ, "rows differ: " + sql.query("SELECT CAST(t AS TEXT) FROM " + table + " t ORDER BY id") + " against "
            + sql.query("SELECT CAST(t AS TEXT) FROM one_by_one t ORDER BY id"));
        assertEquals((long) rows, ((Number) sql.scalar("SELECT COUNT(*) FROM " + table)).longValue());
    }
}
