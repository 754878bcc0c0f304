package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.BrokenResolvers;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One bad ChangeSet never stops its origin: whatever fails while a ChangeSet applies (a user trigger on the target, a
 * resolver that throws or answers nothing, a deferred constraint failing at commit) is recorded as a parked
 * {@code error} conflict carrying the error — the failing rows at row scope, the whole ChangeSet at transaction scope —
 * and the origin's later ChangeSets apply. Nothing is retried forever, nothing is dropped without a record.
 */
class FailureContainmentIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final NodeId A = NodeId.of("A");

    static Cluster cluster(Dialect dialect, String name, TableConfig table, ResolverSpec resolver) {
        return Cluster.of(dialect, name, List.of("A", "B"), PERS, List.of(table), b -> b.defaultResolver(resolver));
    }

    /** On B only: a user trigger that fails every write of a row named 'boom'. */
    static void refuseBoomAt(Cluster c, String node, Dialect dialect) {
        if (dialect == Dialect.H2) {
            c.sql(node).execute("CREATE TRIGGER refuse_boom BEFORE INSERT, UPDATE ON pers FOR EACH ROW CALL 'dev.converge.testkit.RefusingTrigger'");
        } else {
            c.sql(node).execute("CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'boom: this row is refused by a user trigger'; END $$",
                "CREATE TRIGGER refuse_boom BEFORE INSERT OR UPDATE ON pers FOR EACH ROW WHEN (NEW.nume = 'boom') EXECUTE FUNCTION refuse_boom()");
        }
    }

    static List<Object> keys(Cluster c, String node) {
        return c.sql(node).query("SELECT marca FROM pers ORDER BY marca").stream().map(r -> (Object) ((Number) r.values().iterator().next()).intValue())
            .toList();
    }

    /** A column's value in an image, whatever case the database gave the column's name. */
    static Object value(Map<String, Object> image, String column) {
        return image.entrySet().stream().filter(x -> x.getKey().equalsIgnoreCase(column)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    static List<ConflictRecord> ofType(Cluster c, String node, ConflictType type) {
        return c.node(node).conflicts().stream().filter(r -> r.type() == type).toList();
    }

    @AllDialects
    void atRowScopeOnlyTheFailingRowIsLeftOutAndTheOriginGoesOn(Dialect dialect) {
        Cluster c = cluster(dialect, "contain_row", TableConfig.of("pers"), ResolverSpec.TIMESTAMP);
        refuseBoomAt(c, "B", dialect);
        c.write("A", "INSERT INTO pers VALUES (1, 'ok', 'MS')", "INSERT INTO pers VALUES (2, 'boom', 'MS')");
        c.write("A", "INSERT INTO pers VALUES (3, 'later', 'CJ')");

        assertEquals(2, c.deliver("A", "B"), "Both ChangeSets go to B.");
        assertEquals(List.of(1, 3), keys(c, "B"), "B holds every row but the one its trigger refused, and A's later ChangeSet.");
        List<ConflictRecord> errors = ofType(c, "B", ConflictType.ERROR);
        assertEquals(1, errors.size(), "One error conflict, for the refused row: " + c.node("B").conflicts());
        ConflictRecord e = errors.get(0);
        assertEquals(2, ((Number) value(e.key().orElseThrow().values(), "marca")).intValue(), "The error names the refused row's key.");
        assertEquals(Outcome.PARKED, e.outcome(), "The row is parked.");
        assertEquals(ConflictStatus.NEEDS_REVIEW, e.status(), "A person must look at it.");
        assertTrue(e.detail().orElse("").contains("boom"), "The record carries the error: " + e.detail());
        assertEquals("boom", value(e.remoteImage().orElseThrow().values(), "nume"), "The record carries the refused row's image.");
        assertEquals(0, c.deliver("A", "B"), "Nothing is sent again: B acknowledged both ChangeSets.");
        assertEquals(1, ofType(c, "B", ConflictType.ERROR).size(), "The failure is recorded once, not retried.");
    }

    @AllDialects
    void atTransactionScopeTheWholeChangeSetIsParkedAndTheOriginGoesOn(Dialect dialect) {
        Cluster c = cluster(dialect, "contain_tx", TableConfig.of("pers").withScope(ConflictScope.TRANSACTION), ResolverSpec.TIMESTAMP);
        refuseBoomAt(c, "B", dialect);
        c.write("A", "INSERT INTO pers VALUES (1, 'ok', 'MS')", "INSERT INTO pers VALUES (2, 'boom', 'MS')");
        c.write("A", "INSERT INTO pers VALUES (3, 'later', 'CJ')");

        assertEquals(2, c.deliver("A", "B"), "Both ChangeSets go to B.");
        assertEquals(List.of(3), keys(c, "B"), "Nothing of the failed ChangeSet is written; the later one applies.");
        List<ConflictRecord> errors = ofType(c, "B", ConflictType.ERROR);
        assertEquals(1, errors.size(), "One error conflict for the whole ChangeSet: " + c.node("B").conflicts());
        ConflictRecord e = errors.get(0);
        assertEquals(1, e.changeSet().sequence(), "It names A's first ChangeSet.");
        assertTrue(e.key().isEmpty(), "It is about the whole ChangeSet, not one row.");
        assertTrue(e.detail().orElse("").contains("boom"), "It carries the error: " + e.detail());
        assertTrue(e.detail().orElse("").contains("\"ok\""), "It carries the ChangeSet's rows: " + e.detail());
        assertEquals(ConflictStatus.NEEDS_REVIEW, e.status(), "A person must look at it.");
    }

    @AllDialects
    void aResolverThatThrowsParksItsConflictAndTheRestApplies(Dialect dialect) {
        brokenResolver(dialect, "contain_throws", BrokenResolvers.Throws.NAME, "broken on purpose");
    }

    @AllDialects
    void aResolverThatReturnsNullParksItsConflictAndTheRestApplies(Dialect dialect) {
        brokenResolver(dialect, "contain_null", BrokenResolvers.ReturnsNull.NAME, "returned no resolution");
    }

    @AllDialects
    void aResolverThatTakesTooLongIsAbandonedAndItsConflictParked(Dialect dialect) {
        long start = System.nanoTime();
        brokenResolver(dialect, "contain_slow", BrokenResolvers.Slow.NAME, "did not answer within its time limit of 300 ms");
        assertTrue(System.nanoTime() - start < 9_000_000_000L, "the apply did not wait for the slow resolver");
    }

    @AllDialects
    void aMergedRowWithAnUnknownColumnIsNotWrittenAndItsConflictParked(Dialect dialect) {
        brokenResolver(dialect, "contain_column", BrokenResolvers.UnknownColumn.NAME, "[no_such_column] that table");
    }

    @AllDialects
    void aMergedRowWithAnotherKeyIsNotWrittenAndItsConflictParked(Dialect dialect) {
        brokenResolver(dialect, "contain_key", BrokenResolvers.OtherKey.NAME, "not the key in conflict");
        // and row 999 was not written either
    }

    private void brokenResolver(Dialect dialect, String name, String resolver, String expectedDetail) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B"), PERS, List.of(TableConfig.of("pers")),
            b -> b.defaultResolver(ResolverSpec.of(resolver)).resolverTimeLimit(java.time.Duration.ofMillis(300)));
        c.write("A", "INSERT INTO pers VALUES (1, 'from A', 'MS')");
        c.write("B", "INSERT INTO pers VALUES (1, 'from B', 'MS')");
        c.tick(1000);
        c.write("A", "INSERT INTO pers VALUES (2, 'only A', 'CJ')");

        assertEquals(2, c.deliver("A", "B"), "Both of A's ChangeSets go to B.");
        assertEquals(List.of(1, 2), keys(c, "B"), "B keeps its own row 1 and takes A's later row 2.");
        assertEquals("from B", c.sql("B").scalar("SELECT nume FROM pers WHERE marca = 1"), "B's row 1 is left as it was.");
        List<ConflictRecord> errors = ofType(c, "B", ConflictType.ERROR);
        assertEquals(1, errors.size(), "The insert-exists conflict the resolver could not decide is an error: " + c.node("B").conflicts());
        ConflictRecord e = errors.get(0);
        assertEquals(Outcome.PARKED, e.outcome(), "It is parked.");
        assertTrue(e.detail().orElse("").contains(expectedDetail), "It says what went wrong: " + e.detail());
        assertEquals("from B", value(e.localImage().orElseThrow().values(), "nume"), "It keeps the local image for the workbench.");
        assertEquals("from A", value(e.remoteImage().orElseThrow().values(), "nume"), "It keeps the remote image for the workbench.");
    }

    /** PostgreSQL only: H2 has no deferrable constraints. */
    @Test
    void aDeferredConstraintFailingAtCommitIsParkedAndTheOriginGoesOn() {
        String schema = "CREATE TABLE parent (id INT PRIMARY KEY);\n"
            + "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)";
        // only the children replicate: a child arriving at B names a parent only A has
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "contain_deferred", List.of("A", "B"), schema, List.of(TableConfig.of("child")));
        c.write("A", "INSERT INTO parent VALUES (7)", "INSERT INTO child VALUES (1, 7)");
        c.write("A", "INSERT INTO child VALUES (2, NULL)");

        assertEquals(2, c.deliver("A", "B"), "Both ChangeSets go to B.");
        assertEquals(List.of(2), c.sql("B").query("SELECT id FROM child ORDER BY id").stream()
            .map(r -> ((Number) r.get("id")).intValue()).toList(), "The child whose parent B lacks is left out; the later child applies.");
        List<ConflictRecord> errors = ofType(c, "B", ConflictType.ERROR);
        assertEquals(1, errors.size(), "The commit-time failure is one error conflict: " + c.node("B").conflicts());
        assertTrue(errors.get(0).detail().orElse("").contains("foreign key"), "It carries the database's reason: " + errors.get(0).detail());
    }
}
