package dev.converge.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.InvalidConfigException;
import dev.converge.Node;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Catalog;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Configurations that do not fit the database are refused before anything is installed, with a message that names
 * the table and says what is wrong.
 */
class TableCatalogIT {
    static DataSource database(Dialect dialect) {
        DataSource db = TestDatabases.fresh(dialect, "catalog");
        Sql.on(db).execute("CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))",
            "CREATE TABLE nopk (a INT, b VARCHAR(10))",
            "CREATE TABLE cv_mine (id INT PRIMARY KEY)",
            "INSERT INTO pers VALUES (1325, 'Vasile', 'MS')");
        return db;
    }

    /** Opening with this configuration fails; returns the message after checking that nothing was installed. */
    static String refused(Dialect dialect, UnaryOperator<NodeConfig.Builder> config) {
        return refused(dialect, database(dialect), config);
    }

    static String refused(Dialect dialect, DataSource db, UnaryOperator<NodeConfig.Builder> config) {
        Sql sql = Sql.on(db);
        TreeSet<String> before = Catalog.tables(dialect, sql);
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
            () -> Node.open(config.apply(NodeConfig.builder("A").peer("B")).build(), db, new ManualTimeSource(Cluster.NOON)),
            "The configuration is refused.");
        assertEquals(before, Catalog.tables(dialect, sql), "A refused configuration creates no table: " + Catalog.converge(Catalog.tables(dialect, sql)));
        assertEquals(Set.of(), Catalog.converge(Catalog.triggers(dialect, sql)), "A refused configuration creates no trigger.");
        assertEquals(e.error().toString(), e.getMessage(), "The exception's message is its ConfigError.");
        return e.getMessage();
    }

    static void assertSays(String message, String... words) {
        for (String w : words) {
            assertTrue(message.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)), "The message says '" + w + "': " + message);
        }
    }

    @AllDialects
    void anUnknownTable(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table("ghost")), "table ghost", "no such table");
    }

    @AllDialects
    void aTableWithoutPrimaryKey(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table("nopk")), "table nopk", "no primary key");
    }

    @AllDialects
    void aColumnSubsetWithoutTheKey(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withColumns(List.of("nume", "jud")))),
            "table pers", "primary-key", "marca");
    }

    @AllDialects
    void anUnknownColumnInTheSubset(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withColumns(List.of("marca", "prenume")))),
            "table pers", "prenume");
    }

    @AllDialects
    void aFilterThatIsNotValidSql(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withFilter("jud = = 'MS'"))), "table pers", "row filter", "jud = = 'MS'");
    }

    @AllDialects
    void aFilterOnAnUnknownColumn(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withFilter("judet = 'MS'"))), "table pers", "row filter", "judet");
    }

    @AllDialects
    void aFilterOnAColumnTheSubsetLeavesOut(Dialect dialect) {
        // the target never receives jud, so it would judge the rows it got on NULL and never converge
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withColumns(List.of("marca", "nume")).withFilter("jud = 'MS'"))),
            "table pers: row filter \"jud = 'MS'\" reads column jud, which the column subset leaves out");
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withColumns(List.of("nume", "marca"))
            .withFilter("nume <> 'x' AND pers.jud = 'MS'"))), "table pers", "reads column jud", "column subset");
    }

    @AllDialects
    void aFilterOnColumnsOfTheSubsetIsAccepted(Dialect dialect) {
        DataSource db = database(dialect);
        Node node = Node.open(NodeConfig.builder("A").peer("B")
            .table(TableConfig.of("pers").withColumns(List.of("marca", "jud")).withFilter("pers.jud = 'MS' AND marca > 0")).build(),
            db, new ManualTimeSource(Cluster.NOON));
        assertEquals(List.of("pers"), node.config().tables().stream().map(TableConfig::name).toList(), "The table is replicated.");
    }

    @AllDialects
    void anUnknownResolverForATable(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withResolver(ResolverSpec.of("newest-wins")))),
            "table pers", "unknown resolver 'newest-wins'", "timestamp");
    }

    @AllDialects
    void anUnknownDefaultResolver(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table("pers").defaultResolver(ResolverSpec.of("newest-wins"))),
            "defaults.resolver: unknown resolver 'newest-wins' (known: ", "timestamp");
    }

    @AllDialects
    void aTableNamedLikeConvergesOwn(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table("cv_mine")), "table cv_mine", "reserved");
    }

    @AllDialects
    void oneBadTableAfterAGoodOneInstallsNeitherAndLeavesTheDataAlone(Dialect dialect) {
        DataSource db = database(dialect);
        assertSays(refused(dialect, db, b -> b.table("pers").table("ghost")), "table ghost");
        assertEquals(1L, ((Number) Sql.on(db).scalar("SELECT count(*) FROM pers")).longValue(), "The refused configuration left the data alone.");
        Node node = Node.open(NodeConfig.builder("A").peer("B").table("pers").build(), db, new ManualTimeSource(Cluster.NOON));
        assertEquals(1, node.replicatedRows().values().iterator().next().size(), "A valid configuration then opens on the same database and data.");
    }

    @AllDialects
    void aColumnOfATypeThatCannotReplicateIsRefusedUnlessAColumnSubsetLeavesItOut(Dialect dialect) {
        DataSource db = database(dialect);
        if (dialect == Dialect.POSTGRESQL) {
            Sql.on(db).execute("CREATE TYPE pair AS (a INT, b TEXT)", "CREATE TABLE tagged (id INT PRIMARY KEY, tags pair, note VARCHAR(10))");
        } else {
            Sql.on(db).execute("CREATE TABLE tagged (id INT PRIMARY KEY, tags JAVA_OBJECT, note VARCHAR(10))");
        }
        assertSays(refused(dialect, db, b -> b.table("tagged")), "table tagged", "column", "tags", "type", "cannot replicate", "column subset");
        Node node = Node.open(NodeConfig.builder("A").peer("B").table(TableConfig.of("tagged").withColumns(List.of("id", "note"))).build(),
            db, new ManualTimeSource(Cluster.NOON));
        assertEquals(List.of("tagged"), node.config().tables().stream().map(TableConfig::name).toList(),
            "Without that column the table is replicated.");
    }

    @Test
    void aKeyColumnOfAnEnumIsRefusedAtOpenRatherThanCrashingApply() {
        DataSource db = database(Dialect.POSTGRESQL);
        Sql.on(db).execute("CREATE TYPE mood AS ENUM ('happy', 'sad')", "CREATE TABLE felt (m mood PRIMARY KEY, v INT)");
        assertSays(refused(Dialect.POSTGRESQL, db, b -> b.table("felt")), "table felt", "primary-key column m", "mood", "key");
    }

    @AllDialects
    void oneTableConfiguredTwiceUnderTwoSpellings(Dialect dialect) {
        assertSays(refused(dialect, b -> b.table("pers").table("PERS")), "same table", "configure it once");
    }

    @AllDialects
    void aNameThatMatchesTablesOnlyIgnoringCaseWhenCaseAloneCannotTell(Dialect dialect) {
        DataSource db = database(dialect);
        Sql.on(db).execute("CREATE TABLE \"Orders\" (id INT PRIMARY KEY)", "CREATE TABLE \"ORDERS\" (id INT PRIMARY KEY)");
        assertSays(refused(dialect, db, b -> b.table("orders")), "table orders", "Orders", "ORDERS", "exactly");
        Node node = Node.open(NodeConfig.builder("A").peer("B").table("Orders").build(), db, new ManualTimeSource(Cluster.NOON));
        assertEquals(List.of("Orders"), List.copyOf(node.replicatedRows().keySet()), "The exact spelling names one of them.");
    }

    /**
     * A filter may name the table as the qualifier of its columns ({@code pers.jud}), as it would in a query on the
     * table: capture (the H2 trigger's query, the PostgreSQL trigger over its transition tables) and reads run it
     * so too. Any other qualifier is refused at open, as capture could not run it.
     */
    @AllDialects
    void aFilterQualifiedWithTheTablesNameWorksForCaptureApplyAndReads(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "qualified", List.of("A", "B"), "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))",
            List.of(TableConfig.of("pers").withFilter("pers.jud = 'MS' AND PERS.marca > 0")));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS'), (2, 'Ana', 'CJ')");
        c.write("A", "UPDATE pers SET jud = 'MS' WHERE marca = 2", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        c.sync();
        assertEquals(List.of(2), c.rows("B", "pers").stream().map(r -> ((Number) r.get("marca")).intValue()).toList(),
            "Rows moved into and out of the filter replicate as an insert and a delete.");
        assertEquals(c.rows("A", "pers"), c.rows("B", "pers"), "Reads apply the filter the same way on both nodes.");
    }

    @AllDialects
    void aFilterWithAnotherQualifierIsRefused(Dialect dialect) {
        for (String filter : List.of("p.jud = 'MS'", "cv_row.jud = 'MS'", "n.jud = 'MS'", "cv_new.jud = 'MS'")) {
            assertSays(refused(dialect, b -> b.table(TableConfig.of("pers").withFilter(filter))), "table pers", "row filter", filter);
        }
    }

    /**
     * A foreign key the apply reads by before a cascading delete is written, without an index on its referring columns,
     * is named at open (a warning; on PostgreSQL, which does not index them itself — H2 does). With the index it goes.
     */
    @Test
    void aKeyReadBeforeACascadingDeleteWithoutAnIndexIsNamed() {
        Dialect dialect = Dialect.POSTGRESQL;
        DataSource db = TestDatabases.fresh(dialect, "catalog_fk_index");
        Sql.on(db).execute("CREATE TABLE f (id INT PRIMARY KEY, name VARCHAR(40))",
            "CREATE TABLE p (cod INT PRIMARY KEY, f_id INT REFERENCES f (id) ON DELETE CASCADE, den VARCHAR(40))",
            "CREATE TABLE q (cod INT PRIMARY KEY, f_id INT REFERENCES f (id))");
        NodeConfig config = NodeConfig.builder("A").peer("B").table("f").table("p").table("q").build();
        org.jooq.DSLContext ctx = org.jooq.impl.DSL.using(db, dialect.jooq());
        List<String> warnings = TableCatalog.unindexedReads(ctx.meta().getTables(), TableCatalog.bind(ctx, config).get());
        assertEquals(2, warnings.size(), "p's and q's keys to f are read before f's deletes: " + warnings);
        assertSays(warnings.get(0), "table p", "[f_id]", "to f");
        assertSays(warnings.get(1), "table q", "[f_id]", "to f");
        Sql.on(db).execute("CREATE INDEX p_f ON p (f_id)", "CREATE INDEX q_f ON q (f_id, cod)");
        ctx = org.jooq.impl.DSL.using(db, dialect.jooq());
        assertEquals(List.of(), TableCatalog.unindexedReads(ctx.meta().getTables(), TableCatalog.bind(ctx, config).get()),
            "indexed keys are not named");
    }
}
