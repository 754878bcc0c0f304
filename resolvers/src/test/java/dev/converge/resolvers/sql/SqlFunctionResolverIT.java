package dev.converge.resolvers.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.InvalidConfigException;
import dev.converge.Node;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@code sql-function} on both databases, two peers deciding {@code item}'s conflicts with {@link TestFunctions}'
 * {@code cv_test}: decisions carried out, the function sees the apply transaction's data and its own writes are
 * undone, a broken function parks the conflict with its error and the rest of the ChangeSet applies, and a missing
 * function is refused at open.
 */
class SqlFunctionResolverIT {
    private static final ResolverSpec CV_TEST = ResolverSpec.of(SqlFunctionResolver.NAME).withParameter("function", List.of("cv_test"));

    /** Two peers, {@code item} holding (1, bolt, 10) on both, each deciding by {@code cv_test}. */
    static Cluster mesh(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"), TestFunctions.TABLES, List.of(TableConfig.of("item").withResolver(CV_TEST)),
            b -> b, db -> {
                Sql.on(db).execute(TestFunctions.function(dialect));
                return db;
            });
        c.write("A", "INSERT INTO item VALUES (1, 'bolt', 10)");
        c.sync();
        c.tick(1000);
        return c;
    }

    /** Both peers told what to answer, then A and B update row 1 concurrently (B later) and everything is delivered. */
    static void conflict(Cluster c, String what) {
        for (String node : List.of("A", "B")) {
            c.sql(node).execute("UPDATE behaviour SET what = '" + what + "' WHERE id = 1");
        }
        c.write("A", "UPDATE item SET name = 'bolt A', stock = 7 WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET name = 'bolt B', stock = 5 WHERE id = 1");
        c.sync();
    }

    static String name(Cluster c, String node) {
        return (String) c.sql(node).scalar("SELECT name FROM item WHERE id = 1");
    }

    static ConflictRecord only(Cluster c, String node) {
        List<ConflictRecord> records = c.node(node).conflicts();
        assertEquals(1, records.size(), () -> node + " recorded one conflict: " + records);
        return records.get(0);
    }

    @AllDialects
    void keepLocalReadFromTheDatabaseKeepsEachPeersOwnRow(Dialect dialect) {
        Cluster c = mesh(dialect, "sqlfn_keep");
        conflict(c, "keep-local");
        assertEquals("bolt A", name(c, "A"), "A kept its row, as its function answered");
        assertEquals("bolt B", name(c, "B"));
        assertEquals(Outcome.KEPT_LOCAL, only(c, "A").outcome());
        assertEquals("sql-function(function=cv_test)", only(c, "A").resolver());
    }

    @AllDialects
    void applyRemoteTakesTheIncomingRow(Dialect dialect) {
        Cluster c = mesh(dialect, "sqlfn_apply");
        conflict(c, "apply-remote");
        assertEquals("bolt B", name(c, "A"));
        assertEquals("bolt A", name(c, "B"));
        assertEquals(Outcome.APPLIED_REMOTE, only(c, "B").outcome());
    }

    @AllDialects
    void aMergedRowIsWritten(Dialect dialect) {
        Cluster c = mesh(dialect, "sqlfn_merge");
        conflict(c, "merge");
        for (String node : List.of("A", "B")) {
            assertEquals("merged", name(c, node), node + " wrote the function's row");
            assertEquals(Outcome.MERGED, only(c, node).outcome());
        }
        assertEquals(5, ((Number) c.sql("A").scalar("SELECT stock FROM item WHERE id = 1")).intValue(), "A took B's stock with the name");
    }

    @AllDialects
    void whatTheFunctionWritesIsUndone(Dialect dialect) {
        Cluster c = mesh(dialect, "sqlfn_undo");
        conflict(c, "keep-local");
        for (String node : List.of("A", "B")) {
            assertEquals(1, c.node(node).conflicts().size(), node + " called its function");
            assertEquals(0L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM log")).longValue(), node + "'s log insert rolled back");
        }
    }

    /** Each way of breaking: the conflict is parked as an error with the reason, the row stays, nothing crashes. */
    @AllDialects
    void aBrokenFunctionParksTheConflictWithItsError(Dialect dialect) {
        List<List<String>> cases = List.of(
            List.of("raise", "no stock rule for"),
            List.of("garbage", "answered the decision 'yes please'"),
            List.of("null", "answered NULL"),
            List.of("no-key", "without the key column(s)"),
            List.of("unknown-column", "does not replicate"),
            List.of("delete", "neither write deletes the row"),
            List.of("sell-it", "answered the decision 'sell-it'"));
        for (List<String> broken : cases) {
            Cluster c = mesh(dialect, "sqlfn_broken");
            conflict(c, broken.get(0));
            ConflictRecord r = only(c, "A");
            assertEquals(ConflictType.ERROR, r.type(), broken.get(0));
            assertEquals(Outcome.PARKED, r.outcome(), broken.get(0));
            assertEquals(ConflictStatus.NEEDS_REVIEW, r.status(), broken.get(0));
            String detail = r.detail().orElse("");
            assertTrue(detail.contains(broken.get(1)), () -> broken.get(0) + ": the error says what went wrong: " + detail);
            assertEquals("sql-function(function=cv_test)", r.resolver(), "the record names the function");
            assertEquals("bolt A", name(c, "A"), broken.get(0) + ": the local row stays");
        }
    }

    /** The failing call is rolled back to its savepoint: on PostgreSQL the apply transaction goes on and commits. */
    @AllDialects
    void theRestOfTheChangeSetAppliesAfterAFailingCall(Dialect dialect) {
        Cluster c = mesh(dialect, "sqlfn_rest");
        c.sql("A").execute("UPDATE behaviour SET what = 'raise' WHERE id = 1");
        c.write("A", "UPDATE item SET name = 'bolt A' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET name = 'bolt B' WHERE id = 1", "INSERT INTO item VALUES (2, 'nut', 3)");
        c.deliver("B", "A");
        assertEquals(ConflictType.ERROR, only(c, "A").type());
        assertEquals("nut", c.sql("A").scalar("SELECT name FROM item WHERE id = 2"), "B's insert in the same ChangeSet applied at A");
        assertEquals(1L, ((Number) c.sql("A").scalar("SELECT COUNT(*) FROM behaviour")).longValue());
    }

    /** Chosen for one conflict type under a table rule that picks in Java, the function still gets the apply transaction. */
    @AllDialects
    void aRulePerConflictTypeCallsTheFunctionInTheTransaction(Dialect dialect) {
        TableConfig item = TableConfig.of("item").withResolver(ResolverSpec.TIMESTAMP).withResolver(ConflictType.UPDATE_CHANGED_ROW, CV_TEST);
        Cluster c = Cluster.of(dialect, "sqlfn_bytype", List.of("A", "B"), TestFunctions.TABLES, List.of(item), b -> b, db -> {
            Sql.on(db).execute(TestFunctions.function(dialect));
            return db;
        });
        c.write("A", "INSERT INTO item VALUES (1, 'bolt', 10)");
        c.sync();
        c.tick(1000);
        conflict(c, "keep-local");
        assertEquals("bolt A", name(c, "A"), "the function kept A's row although B's write is later");
        assertEquals(Outcome.KEPT_LOCAL, only(c, "A").outcome());
    }

    /** A PL/pgSQL function past resolver_time_limit is cancelled: the conflict is parked and the apply commits. */
    @org.junit.jupiter.api.Test
    void aSlowFunctionIsCancelledAtTheTimeLimitOnPostgres() {
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "sqlfn_slow", List.of("A", "B"), "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)",
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of(SqlFunctionResolver.NAME).withParameter("function", List.of("slow")))),
            b -> b.resolverTimeLimit(java.time.Duration.ofSeconds(1)), db -> {
                Sql.on(db).execute("CREATE FUNCTION slow(c jsonb) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN 'keep-local'; END $$");
                return db;
            });
        c.write("A", "INSERT INTO item VALUES (1, 'bolt', 10)");
        c.sync();
        c.tick(1000);
        c.write("A", "UPDATE item SET name = 'bolt A' WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET name = 'bolt B' WHERE id = 1", "INSERT INTO item VALUES (2, 'nut', 3)");
        long start = System.nanoTime();
        c.deliver("B", "A");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 20, "cancelled near the limit, not after the function's 30 s: " + seconds + " s");
        ConflictRecord r = only(c, "A");
        assertEquals(ConflictType.ERROR, r.type());
        assertTrue(r.detail().orElse("").contains("cancel"), r.detail()::toString);
        assertEquals("nut", c.sql("A").scalar("SELECT name FROM item WHERE id = 2"), "the rest of B's transaction applied");
    }

    @AllDialects
    void aMissingFunctionIsRefusedAtOpenNamingIt(Dialect dialect) {
        DataSource db = TestDatabases.fresh(dialect, "sqlfn_missing");
        Sql.on(db).execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)");
        NodeConfig config = NodeConfig.builder("A").peer("B").table(TableConfig.of("item")
            .withResolver(ResolverSpec.of(SqlFunctionResolver.NAME).withParameter("function", List.of("resolve_stok")))).build();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Node.open(config, db, new ManualTimeSource(Cluster.NOON)));
        assertTrue(e.getMessage().contains("no function 'resolve_stok'"), e.getMessage());
        List<ConfigError> problems = Node.validate(config, db);
        assertTrue(problems.stream().anyMatch(p -> p.problem().contains("no function 'resolve_stok'")), problems::toString);
    }

    @AllDialects
    void aFunctionOfTheWrongShapeIsRefusedAtOpen(Dialect dialect) {
        DataSource db = TestDatabases.fresh(dialect, "sqlfn_shape");
        Sql.on(db).execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)", dialect == Dialect.POSTGRESQL
            ? "CREATE FUNCTION two_args(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b'"
            : "CREATE ALIAS two_args FOR 'java.lang.Math.addExact(int, int)'");
        NodeConfig config = NodeConfig.builder("A").peer("B").table(TableConfig.of("item")
            .withResolver(ResolverSpec.of(SqlFunctionResolver.NAME).withParameter("function", List.of("two_args")))).build();
        List<ConfigError> problems = Node.validate(config, db);
        assertTrue(problems.stream().anyMatch(p -> p.problem().contains("takes 2 parameters")), problems::toString);
    }
}
