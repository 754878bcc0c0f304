package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Versions with detail (merged writes, column stamps) go into a shadow table and come back equal on both write paths
 * (one row; a PostgreSQL recordset of many), and a shadow table made before versions had detail gains the column.
 */
class ShadowVersionsIT {
    private final JdbcShadowStore store = new JdbcShadowStore();

    @SuppressWarnings("unchecked")
    private static ShadowTable shadow(Dialect dialect) {
        Field<Object> k = (Field<Object>) (Field<?>) DSL.field(DSL.name("k"), SQLDataType.INTEGER);
        return ShadowTable.of("t", List.of(k), dialect.jooq());
    }

    /** Row {@code k}: a merge of C's write into a row last written by A and B, with column stamps. */
    private static RowVersion merged(int k) {
        RowVersion ab = RowVersion.merged(Optional.of(RowVersion.live(List.of(k), 100, "A", 1)), RowVersion.live(List.of(k), 101, "B", 1),
            Map.of(), Set.of("v"), List.of("k", "v", "w"));
        return RowVersion.merged(Optional.of(ab), RowVersion.live(List.of(k), 102, "C", 4), Map.of(), Set.of("w"), List.of("k", "v", "w"));
    }

    @AllDialects
    void versionsWithDetailReadBackEqual(Dialect dialect) throws Exception {
        DataSource db = TestDatabases.fresh(dialect, "shadow_versions");
        ShadowTable shadow = shadow(dialect);
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, dialect.jooq());
            store.create(ctx, shadow);
            List<RowVersion> many = new ArrayList<>();
            for (int k = 2; k <= 30; k++) {
                many.add(k % 2 == 0 ? merged(k) : RowVersion.live(List.of(k), 50, "A", k));
            }
            store.write(ctx, shadow, List.of(merged(1)));
            store.write(ctx, shadow, many);
            List<RowVersion> all = new ArrayList<>(many);
            all.add(0, merged(1));
            Map<List<Object>, RowVersion> back = store.versions(ctx, shadow, all.stream().map(RowVersion::key).toList());
            for (RowVersion v : all) {
                assertEquals(v, back.get(v.key()), "row " + v.key());
            }
            assertEquals(Map.of("A", new RowVersion.Write(1, 100), "B", new RowVersion.Write(1, 101)), back.get(List.of(1)).concurrent());
        }
    }

    /**
     * Keys of the common types, with the characters an array literal or a JSON string must escape, go through the
     * many-versions path (typed arrays on PostgreSQL) and come back equal; the key columns' values are checked in SQL,
     * and so are the tombstones' images, a JSON {@code null} image among them.
     */
    @AllDialects
    @SuppressWarnings("unchecked")
    void keysOfEveryCommonTypeAndTheirImagesWriteAsMany(Dialect dialect) throws Exception {
        DataSource db = TestDatabases.fresh(dialect, "shadow_key_types");
        String bytes = dialect == Dialect.POSTGRESQL ? "BYTEA" : "VARBINARY(8)";
        Sql.on(db).execute("CREATE TABLE kt (k_text VARCHAR(40), k_date DATE, k_ts TIMESTAMP WITH TIME ZONE, k_num NUMERIC(12, 2), "
            + "k_uuid UUID, k_bytes " + bytes + ", v INT, PRIMARY KEY (k_text, k_date, k_ts, k_num, k_uuid, k_bytes))");
        ShadowTable shadow;
        try (Connection c = db.getConnection()) {
            // the key columns' types as a node binds them (dates before 1582 included)
            shadow = dev.converge.catalog.TableCatalog.bind(DSL.using(c, dialect.jooq()),
                dev.converge.config.NodeConfig.builder("A").peer("B").table("kt").build()).get().get(0).shadow();
        }
        List<String> texts = List.of("plain", "quote \" back \\ comma , braces {} ", "NULL", "", "  spaced  ", "ă ✓ 𝄞", "tab\tnew\nline");
        List<RowVersion> versions = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            List<Object> key = List.of(texts.get(i), java.time.LocalDate.of(i == 1 ? -43 : 1500 + i, 3, 15),
                java.time.OffsetDateTime.of(2026, 12, 5, 10, i, 0, 123_000_000, java.time.ZoneOffset.ofHours(i - 3)),
                new java.math.BigDecimal(i + ".10"), new java.util.UUID(i, 42), new byte[] {(byte) i, (byte) 0xff, 0x5c});
            String image = i == 2 ? "null" : "{\"t\": " + com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(texts.get(i)) + ", \"n\": " + i + "}";
            versions.add(i % 2 == 0 ? RowVersion.tombstone(key, 100 + i, "A", i, image) : RowVersion.live(key, 100 + i, "B", i));
        }
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, dialect.jooq());
            store.create(ctx, shadow);
            store.write(ctx, shadow, versions);
            Map<List<Object>, RowVersion> back = store.versions(ctx, shadow, versions.stream().map(RowVersion::key).toList());
            assertEquals(versions.size(), back.size(), "every version is found by its key");
            for (RowVersion v : versions) {
                RowVersion read = back.values().stream().filter(b -> b.timestamp() == v.timestamp()).findFirst().orElseThrow();
                assertEquals(v.origin(), read.origin());
                assertEquals(v.deleted(), read.deleted());
                assertEquals(v.originSequence(), read.originSequence());
            }
        }
        Sql sql = Sql.on(db);
        for (int i = 0; i < texts.size(); i++) {
            String where = " FROM \"" + shadow.name() + "\" WHERE \"cv_ts\" = " + (100 + i);
            assertEquals(texts.get(i), sql.scalar("SELECT k_text" + where), "text key " + i);
            assertEquals(i == 1 ? (dialect == Dialect.POSTGRESQL ? "0044-03-15 BC" : "-0043-03-15") : (1500 + i) + "-03-15",
                sql.scalar("SELECT CAST(k_date AS VARCHAR(20))" + where), "date key " + i);
            assertEquals(0, ((Number) sql.scalar("SELECT COUNT(*)" + where + " AND k_num <> " + i + ".10")).intValue(), "numeric key " + i);
            assertEquals(new java.util.UUID(i, 42).toString(), String.valueOf(sql.scalar("SELECT CAST(k_uuid AS VARCHAR(36))" + where)));
            assertEquals(1, ((Number) sql.scalar("SELECT COUNT(*)" + where + " AND k_ts = CAST('2026-12-05 10:" + String.format("%02d", i)
                + ":00.123" + String.format("%+03d", i - 3) + ":00' AS TIMESTAMP WITH TIME ZONE)")).intValue(), "timestamp key " + i);
            assertEquals(3, ((Number) sql.scalar("SELECT OCTET_LENGTH(k_bytes)" + where)).intValue(), "bytes key " + i);
        }
        if (dialect == Dialect.POSTGRESQL) {
            assertEquals(1L, ((Number) sql.scalar("SELECT COUNT(*) FROM \"" + shadow.name() + "\" WHERE \"cv_image\" = 'null'::jsonb")).longValue(),
                "a JSON null image stays a JSON null, not SQL NULL");
            assertEquals(texts.get(4), sql.scalar("SELECT \"cv_image\" ->> 't' FROM \"" + shadow.name() + "\" WHERE \"cv_ts\" = 104"));
            assertEquals(texts.get(6), sql.scalar("SELECT \"cv_image\" ->> 't' FROM \"" + shadow.name() + "\" WHERE \"cv_ts\" = 106"));
        }
    }

    /**
     * Single-column keys of common types, {@code CHAR(n)} (compared ignoring trailing blanks) among them: every version
     * written is found by its key, and a key never written finds nothing.
     */
    @AllDialects
    void singleColumnKeysOfEveryLookupFormAreFoundByTheirKeys(Dialect dialect) throws Exception {
        DataSource db = TestDatabases.fresh(dialect, "shadow_single_keys");
        List<String> texts = List.of("plain", "quote \" back \\ comma , braces {} ", "NULL", "", "  spaced  ", "ă ✓ 𝄞", "tab\tnew\nline");
        Map<String, List<Object>> keysByType = new java.util.LinkedHashMap<>();
        keysByType.put("VARCHAR(40)", new ArrayList<>(texts));
        keysByType.put("CHAR(12)", new ArrayList<>(List.of("a", "b  c", "NULL", "{x,y}")));
        keysByType.put("INT", new ArrayList<>(List.of(1, -7, Integer.MAX_VALUE, 0)));
        keysByType.put("BIGINT", new ArrayList<>(List.of(1L, -7L, Long.MIN_VALUE, 1L << 40)));
        keysByType.put("SMALLINT", new ArrayList<>(List.of((short) 1, (short) -7, Short.MAX_VALUE)));
        keysByType.put("UUID", new ArrayList<>(List.of(new java.util.UUID(1, 2), new java.util.UUID(-1, 0), new java.util.UUID(0, 0))));
        int n = 0;
        for (Map.Entry<String, List<Object>> e : keysByType.entrySet()) {
            String table = "sk" + n++;
            Sql.on(db).execute("CREATE TABLE " + table + " (k " + e.getKey() + " PRIMARY KEY, v INT)");
            ShadowTable shadow;
            try (Connection c = db.getConnection()) {
                shadow = dev.converge.catalog.TableCatalog.bind(DSL.using(c, dialect.jooq()),
                    dev.converge.config.NodeConfig.builder("A").peer("B").table(table).build()).get().get(0).shadow();
            }
            List<Object> keys = e.getValue();
            try (Connection c = db.getConnection()) {
                DSLContext ctx = DSL.using(c, dialect.jooq());
                store.create(ctx, shadow);
                List<RowVersion> versions = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    versions.add(RowVersion.live(List.of(keys.get(i)), 100 + i, "A", i + 1));
                }
                store.write(ctx, shadow, versions);
                // read back the way a node types its keys: as the column's Java type from the catalog
                List<List<Object>> asked = new ArrayList<>();
                keys.forEach(k -> asked.add(List.of(shadow.keyFields().get(0).getDataType().convert(k))));
                Map<List<Object>, RowVersion> back = store.versions(ctx, shadow, asked);
                assertEquals(keys.size(), back.size(), e.getKey() + ": every version is found by its key");
                for (RowVersion v : back.values()) {
                    int i = (int) (v.timestamp() - 100);
                    assertEquals(i + 1L, v.originSequence().orElseThrow(), e.getKey() + ": key " + keys.get(i) + " finds its own version");
                }
                Object absent = e.getKey().startsWith("VARCHAR") || e.getKey().startsWith("CHAR") ? "absent" : e.getKey().equals("UUID")
                    ? new java.util.UUID(9, 9) : shadow.keyFields().get(0).getDataType().convert(99);
                assertEquals(0, store.versions(ctx, shadow, List.of(List.of(absent), List.of(absent))).size(), e.getKey() + ": no other key");
            }
        }
    }

    @AllDialects
    @SuppressWarnings("unchecked")
    void aShadowTableFromBeforeGainsTheVersionColumn(Dialect dialect) throws Exception {
        DataSource db = TestDatabases.fresh(dialect, "shadow_upgrade");
        String json = dialect == Dialect.POSTGRESQL ? "jsonb" : "CLOB";
        Sql.on(db).execute("CREATE TABLE \"cv_shadow_t\" (\"k\" INT PRIMARY KEY, \"cv_ts\" BIGINT NOT NULL, \"cv_origin\" VARCHAR(16) NOT NULL, "
            + "\"cv_seq\" BIGINT, \"cv_tx\" VARCHAR(64), \"cv_deleted\" BOOLEAN NOT NULL, \"cv_image\" " + json + ")",
            "INSERT INTO \"cv_shadow_t\" VALUES (7, 5, 'A', 1, NULL, FALSE, NULL)");
        // under the name the earlier install gave it (a lower-case table's shadow on H2 is named with a hash today)
        Field<Object> k = (Field<Object>) (Field<?>) DSL.field(DSL.name("k"), SQLDataType.INTEGER);
        ShadowTable shadow = ShadowTable.named("t", "cv_shadow_t", List.of(k), dialect.jooq());
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, dialect.jooq());
            store.create(ctx, shadow);
            assertEquals(RowVersion.live(List.of(7), 5, "A", 1), store.versions(ctx, shadow, List.of(List.of(7))).get(List.of(7)));
            store.write(ctx, shadow, List.of(merged(7)));
            assertEquals(merged(7), store.versions(ctx, shadow, List.of(List.of(7))).get(List.of(7)));
        }
    }

    /**
     * PostgreSQL: the purge's indexes hold tombstones only, so that writing a live version costs no entry in them; an
     * install whose indexes held every version gets them replaced; and the purge's queries still find the index.
     */
    @org.junit.jupiter.api.Test
    void onPostgresqlThePurgeIndexesHoldTombstonesOnly() throws Exception {
        DataSource db = TestDatabases.fresh(Dialect.POSTGRESQL, "shadow_partial");
        ShadowTable shadow = shadow(Dialect.POSTGRESQL);
        Sql sql = Sql.on(db);
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.POSTGRESQL.jooq());
            store.create(ctx, shadow);
            sql.execute("DROP INDEX \"" + shadow.purgeIndexName() + "\"", "DROP INDEX \"" + shadow.seenIndexName() + "\"",
                "CREATE INDEX \"" + shadow.purgeIndexName() + "\" ON \"" + shadow.name() + "\" (cv_deleted, cv_ts)",
                "CREATE INDEX \"" + shadow.seenIndexName() + "\" ON \"" + shadow.name() + "\" (cv_deleted, cv_origin, cv_seq)");
            store.create(ctx, shadow); // as a node opened on an earlier install does
            for (String index : List.of(shadow.purgeIndexName(), shadow.seenIndexName())) {
                String definition = (String) sql.scalar("SELECT indexdef FROM pg_indexes WHERE indexname = ?", index);
                org.junit.jupiter.api.Assertions.assertTrue(definition.endsWith("WHERE (cv_deleted = true)"),
                    "the index " + index + " should hold tombstones only, but is: " + definition);
            }
            List<RowVersion> versions = new ArrayList<>();
            for (int k = 1; k <= 20; k++) {
                versions.add(k % 4 == 0 ? RowVersion.tombstone(List.of(k), 10 + k, "A", k, "{\"k\": " + k + "}") : RowVersion.live(List.of(k), 10 + k, "A", k));
            }
            store.write(ctx, shadow, versions);
            assertEquals(5, store.tombstones(ctx, shadow).size(), "every tombstone is found");
            assertEquals(2, store.purgeSeen(ctx, shadow, "A", 0, 8, Long.MAX_VALUE), "tombstones 4 and 8 are seen by every peer");
            assertEquals(1, store.purgeAged(ctx, shadow, Map.of("A", 20L), 0, 23), "tombstone 12 is past the grace");
            ctx.execute("SET enable_seqscan = off");
            String plan = ctx.fetch("EXPLAIN DELETE FROM \"" + shadow.name() + "\" WHERE cv_deleted = true AND cv_origin = 'A'"
                + " AND cv_seq > 1 AND cv_seq <= 3 AND cv_ts < 5").toString();
            org.junit.jupiter.api.Assertions.assertTrue(plan.contains(shadow.seenIndexName()) || plan.contains(shadow.purgeIndexName()),
                "a purge should read a tombstone index: " + plan);
        }
    }

    /**
     * Whether a shadow table holds a tombstone is one look at an index, however the table's versions lie: here 20,000
     * live versions written before the first of 5,000 tombstones, with the statistics PostgreSQL gathers on such a
     * table, where an {@code EXISTS} over the tombstones was planned as a scan of the whole table.
     */
    @org.junit.jupiter.api.Test
    void onPostgresqlFindingATombstoneScansNoTable() throws Exception {
        DataSource db = TestDatabases.fresh(Dialect.POSTGRESQL, "shadow_has_tombstones");
        ShadowTable shadow = shadow(Dialect.POSTGRESQL);
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.POSTGRESQL.jooq());
            store.create(ctx, shadow);
            org.junit.jupiter.api.Assertions.assertFalse(store.hasTombstones(ctx, shadow), "an empty shadow table");
            List<RowVersion> versions = new ArrayList<>();
            for (int k = 1; k <= 25_000; k++) {
                versions.add(k > 20_000 ? RowVersion.tombstone(List.of(k), k, "A", k, "{\"k\": " + k + "}") : RowVersion.live(List.of(k), k, "A", k));
            }
            for (int from = 0; from < versions.size(); from += 1_000) {
                store.write(ctx, shadow, versions.subList(from, from + 1_000));
            }
            ctx.execute("ANALYZE \"" + shadow.name() + "\"");
            c.setAutoCommit(false);
            // the backend's counts not yet reported (earlier statements' included), before and after
            String scans = "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = {0}";
            long before = ((Number) ctx.fetchValue(scans, shadow.name())).longValue();
            for (int i = 0; i < 10; i++) { // past the five custom plans, where a prepared statement may turn generic
                org.junit.jupiter.api.Assertions.assertTrue(store.hasTombstones(ctx, shadow));
            }
            long after = ((Number) ctx.fetchValue(scans, shadow.name())).longValue();
            c.commit();
            assertEquals(0, after - before, "finding a tombstone should not scan the shadow table");
        }
    }
}
