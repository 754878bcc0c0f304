package dev.converge.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Catalog;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Installing and uninstalling Converge in one database, checked against the database's own catalog: what exists
 * after each step, and that the user's tables, data, triggers and functions are never touched.
 */
class InstallerIT {
    static final NodeId B = NodeId.of("B");

    /** A user trigger on H2 that does nothing: it must survive an uninstall. */
    public static final class UserTrigger implements org.h2.api.Trigger {
        @Override
        public void init(Connection conn, String schema, String trigger, String table, boolean before, int type) {
        }

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
        }
    }

    static DataSource database(Dialect dialect, String name) {
        DataSource db = TestDatabases.fresh(dialect, name);
        Sql sql = Sql.on(db);
        sql.execute("CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))",
            "CREATE TABLE orase (cod INT PRIMARY KEY, nume VARCHAR(40))",
            "CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100))",
            "INSERT INTO pers VALUES (1325, 'Vasile', 'MS')",
            "INSERT INTO notes VALUES (1, 'not replicated')");
        if (dialect == Dialect.POSTGRESQL) {
            sql.execute("CREATE FUNCTION user_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER user_audit BEFORE INSERT ON pers FOR EACH ROW EXECUTE FUNCTION user_audit()");
        } else {
            sql.execute("CREATE TRIGGER user_audit BEFORE INSERT ON pers FOR EACH ROW CALL '" + UserTrigger.class.getName() + "'");
        }
        return db;
    }

    static Node open(DataSource db) {
        NodeConfig config = NodeConfig.builder("A").peer("B").table("pers").table("orase").build();
        return Node.open(config, db, new ManualTimeSource(Cluster.NOON));
    }

    /**
     * PostgreSQL: the outbox's captured images are not compressed with pglz in the application's transaction — lz4
     * where the server has it, else stored uncompressed — and a large captured statement still travels whole.
     */
    @org.junit.jupiter.api.Test
    void onPostgresqlTheOutboxDoesNotCompressWithPglz() {
        DataSource db = database(Dialect.POSTGRESQL, "install_compression");
        Sql sql = Sql.on(db);
        open(db);
        boolean lz4 = (Boolean) sql.scalar("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'");
        List<java.util.Map<String, Object>> columns = sql.query("SELECT a.attname::text AS name, a.attstorage::text AS storage,"
            + " a.attcompression::text AS compression FROM pg_attribute a WHERE a.attrelid = 'cv_outbox'::regclass AND a.attnum > 0"
            + " AND NOT a.attisdropped AND a.atttypid = 'json'::regtype");
        assertEquals(4, columns.size(), "the outbox's four image columns: " + columns);
        for (java.util.Map<String, Object> c : columns) {
            String how = c.get("storage") + "/" + String.valueOf(c.get("compression")).replace("\u0000", "");
            assertTrue(lz4 ? "x/l".equals(how) : "e/".equals(how),
                c.get("name") + " should be " + (lz4 ? "compressed with lz4" : "stored uncompressed") + ", but storage/compression is " + how);
        }
        // a statement of 2,000 rows: one outbox row whose images are far past the size PostgreSQL stores apart
        sql.execute("INSERT INTO pers SELECT x, repeat('n', 30) || x, 'MS' FROM generate_series(10000, 11999) x");
        Node again = open(db);
        List<ChangeSet> queued = again.outboundFor(B, 10);
        assertEquals(1, queued.size());
        assertEquals(2000, queued.get(0).changes().size(), "every row of the statement is captured");
        assertEquals(2000L, ((Number) sql.scalar("SELECT count(*) FROM pers WHERE marca >= 10000")).longValue());
    }

    @AllDialects
    void installingTwiceIsHarmlessAndCapturesOnce(Dialect dialect) {
        DataSource db = database(dialect, "install_twice");
        Sql sql = Sql.on(db);
        open(db);
        TreeSet<String> tablesOnce = Catalog.tables(dialect, sql);
        TreeSet<String> triggersOnce = Catalog.triggers(dialect, sql);
        TreeSet<String> functionsOnce = Catalog.functions(dialect, sql);
        assertTrue(tablesOnce.containsAll(List.of("cv_outbox", "cv_clock", "cv_shadow_pers", "cv_shadow_orase")),
            "The first install creates the outbox, the clock and a shadow table per replicated table: " + tablesOnce);
        assertTrue(Catalog.converge(triggersOnce).size() >= 2, "The first install creates capture triggers: " + triggersOnce);

        sql.execute("INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        Node again = open(db);
        assertEquals(tablesOnce, Catalog.tables(dialect, sql), "Installing again creates no other table.");
        assertEquals(triggersOnce, Catalog.triggers(dialect, sql), "Installing again leaves the same triggers.");
        assertEquals(functionsOnce, Catalog.functions(dialect, sql), "Installing again leaves the same functions.");
        assertEquals(2L, ((Number) sql.scalar("SELECT count(*) FROM \"cv_table\"")).longValue(), "Each replicated table is registered once.");
        assertEquals(1, CaptureIT.outbox(sql).size(), "What was captured before the second install is still queued.");

        sql.execute("INSERT INTO pers VALUES (2, 'Ana', 'CJ')", "INSERT INTO orase VALUES (1, 'Cluj')");
        assertEquals(3, CaptureIT.outbox(sql).size(), "After a second install each insert is captured once, not twice.");
        List<ChangeSet> queued = again.outboundFor(B, 10);
        assertEquals(List.of(1L, 2L, 3L), queued.stream().map(ChangeSet::sequence).toList(),
            "The three local transactions are queued once each: " + queued);
        assertEquals(List.of(1, 1, 1), queued.stream().map(cs -> cs.changes().size()).toList(), "Each ChangeSet carries its one insert once.");
    }

    @AllDialects
    void uninstallRemovesEverythingConvergeCreatedAndNothingElse(Dialect dialect) {
        DataSource db = database(dialect, "uninstall");
        Sql sql = Sql.on(db);
        TreeSet<String> userTables = Catalog.tables(dialect, sql);
        TreeSet<String> userTriggers = Catalog.triggers(dialect, sql);
        TreeSet<String> userFunctions = Catalog.functions(dialect, sql);
        Node node = open(db);
        sql.execute("INSERT INTO pers VALUES (1, 'Ion', 'MS')", "DELETE FROM pers WHERE marca = 1325", "INSERT INTO orase VALUES (1, 'Cluj')");
        node.outboundFor(B, 10);

        node.uninstall();
        assertEquals(userTables, Catalog.tables(dialect, sql), "Uninstall leaves exactly the user's tables: no cv_* table, no shadow table.");
        assertEquals(userTriggers, Catalog.triggers(dialect, sql), "Uninstall leaves exactly the user's triggers: no capture trigger.");
        assertEquals(userFunctions, Catalog.functions(dialect, sql), "Uninstall leaves exactly the user's functions: no capture function.");
        assertEquals(List.of(Map.of("marca", 1, "nume", "Ion", "jud", "MS")), sql.query("SELECT marca, nume, jud FROM pers"),
            "The replicated table keeps its data.");
        assertEquals(List.of(Map.of("id", 1, "body", "not replicated")), sql.query("SELECT id, body FROM notes"),
            "A table that was not replicated keeps its data.");

        sql.execute("INSERT INTO pers VALUES (2, 'Ana', 'CJ')", "UPDATE pers SET nume = 'Dan' WHERE marca = 1", "DELETE FROM orase");
        assertEquals(userTables, Catalog.tables(dialect, sql), "Writes after uninstall create no Converge table: nothing captures them.");
        assertEquals(2L, ((Number) sql.scalar("SELECT count(*) FROM pers")).longValue(), "Writes after uninstall work as usual.");

        Node fresh = open(db);
        assertTrue(fresh.outboundFor(B, 10).isEmpty(), "A fresh install does not see writes made while Converge was uninstalled.");
        sql.execute("INSERT INTO pers VALUES (3, 'Ioana', 'BV')");
        List<ChangeSet> queued = fresh.outboundFor(B, 10);
        assertEquals(1, queued.size(), "After installing again, capture works again: " + queued);
        assertEquals(1, queued.get(0).sequence(), "A fresh install starts its sequence at 1.");
    }

    /**
     * Earlier versions named a shadow table {@code cv_shadow_<table in lower case>}, cut function names at 63
     * characters, named H2 triggers {@code cv_capture_<table in lower case>}, and had PostgreSQL's capture triggers
     * call a function {@code cv_stamp}. Opening such an installation keeps the shadow table's rows under the new name
     * and leaves no capture object under an old one.
     */
    @AllDialects
    void anInstallationOfAnEarlierVersionKeepsItsShadowRowsAndNoOldCaptureName(Dialect dialect) {
        DataSource db = TestDatabases.fresh(dialect, "legacy_names");
        Sql sql = Sql.on(db);
        sql.execute("CREATE TABLE \"Mixed\" (id INT PRIMARY KEY, v INT)", "INSERT INTO \"Mixed\" VALUES (1, 1)");
        NodeConfig config = NodeConfig.builder("A").peer("B").table("Mixed").build();
        Node node = Node.open(config, db, new ManualTimeSource(Cluster.NOON));
        sql.execute("DELETE FROM \"Mixed\"");
        node.outboundFor(B, 10);
        assertEquals(1, node.tombstones("Mixed").size());
        TreeSet<String> installedTables = Catalog.tables(dialect, sql);
        TreeSet<String> installedTriggers = Catalog.triggers(dialect, sql);
        TreeSet<String> installedFunctions = Catalog.functions(dialect, sql);
        String shadow = installedTables.stream().filter(n -> n.startsWith("cv_shadow_")).findFirst().orElseThrow();
        assertTrue(shadow.startsWith("cv_shadow_mixed_"), "A name that is not plain gets a hash: " + shadow);

        // what an earlier version left
        sql.execute("ALTER TABLE \"" + shadow + "\" RENAME TO \"cv_shadow_mixed\"", "UPDATE \"cv_table\" SET \"shadow_table\" = NULL");
        if (dialect == Dialect.POSTGRESQL) {
            sql.execute("CREATE FUNCTION cv_stamp(OUT ts bigint, OUT applied_n bigint, OUT node text, OUT tx text) LANGUAGE sql"
                    + " AS $$ SELECT 0::bigint, 0::bigint, 'A'::text, pg_current_xact_id()::text $$",
                "CREATE FUNCTION cv_capture_ins_mixed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM cv_stamp(); RETURN NULL; END $$",
                "CREATE OR REPLACE TRIGGER cv_capture_ins AFTER INSERT ON \"Mixed\" REFERENCING NEW TABLE AS cv_new"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION cv_capture_ins_mixed()");
        } else {
            sql.execute("CREATE TRIGGER \"cv_capture_mixed\" AFTER INSERT, UPDATE, DELETE ON \"Mixed\" FOR EACH ROW CALL '"
                + H2CaptureTrigger.class.getName() + "'");
        }

        Node again = Node.open(config, db, new ManualTimeSource(Cluster.NOON));
        assertEquals(installedTables, Catalog.tables(dialect, sql), "The old shadow table is back under its new name.");
        assertEquals(installedTriggers, Catalog.triggers(dialect, sql), "No trigger of the old name is left.");
        assertEquals(installedFunctions, Catalog.functions(dialect, sql), "No function of the old name is left.");
        assertEquals(1, again.tombstones("Mixed").size(), "The tombstone written before is still there.");
        sql.execute("INSERT INTO \"Mixed\" VALUES (2, 2)");
        List<ChangeSet> queued = again.outboundFor(B, 10);
        assertEquals(List.of(1, 1), queued.stream().map(cs -> cs.changes().size()).toList(), "Each write is captured once: " + queued);
        again.uninstall();
        assertEquals(Set.of(), Catalog.converge(Catalog.tables(dialect, sql)), "Uninstall drops the shadow table under its recorded name.");
    }
}
