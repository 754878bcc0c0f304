package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import dev.converge.testkit.Cluster;
import dev.converge.transport.Receipt;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The apply engine through real nodes: exactly-once apply under re-delivery, hold-back of out-of-order ChangeSets,
 * large ChangeSets, targets that refuse rows, and every conflict type with every recorded field.
 */
class ApplyEngineIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final NodeId A = NodeId.of("A");
    static final NodeId B = NodeId.of("B");
    static final long MINUTE = 60_000;

    static Cluster cluster(Dialect dialect, String name) {
        return cluster(dialect, name, b -> b);
    }

    static Cluster cluster(Dialect dialect, String name, UnaryOperator<NodeConfig.Builder> tweak) {
        return Cluster.of(dialect, name, List.of("A", "B"), PERS, List.of(TableConfig.of("pers")), tweak);
    }

    static RowImage row(long marca, String nume, String jud) {
        return RowImage.of(Map.of("marca", marca, "nume", nume, "jud", jud));
    }

    /** The newest ChangeSet a node has queued for a peer (without acknowledging it). */
    static ChangeSet lastQueued(Cluster c, String from, String to) {
        List<ChangeSet> queued = c.node(from).outboundFor(NodeId.of(to), 1000);
        assertFalse(queued.isEmpty(), from + " has something queued for " + to + ".");
        return queued.get(queued.size() - 1);
    }

    // ---- exactly once -----------------------------------------------------------------------------------------------

    @AllDialects
    void theSameBatchDeliveredTwiceIsAppliedOnce(Dialect dialect) {
        Cluster c = cluster(dialect, "apply_twice");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        List<ChangeSet> batch = c.node("A").outboundFor(B, 10);

        Receipt first = c.node("B").receive(A, batch);
        Receipt again = c.node("B").receive(A, batch);
        assertEquals(2, first.applied(), "The first delivery applies both ChangeSets.");
        assertEquals(0, again.applied(), "The second delivery of the same batch applies nothing.");
        assertEquals(2, again.storedThrough(), "The second delivery still acknowledges everything through sequence 2.");
        assertEquals(0, again.waiting(), "Nothing of the second delivery waits in the inbox.");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
        assertTrue(c.node("B").conflicts().isEmpty(), "Re-applying the insert would have met its own row; no conflict shows it was not re-applied.");
    }

    @AllDialects
    void aBatchOverlappingAnEarlierOneAppliesOnlyWhatIsNew(Dialect dialect) {
        Cluster c = cluster(dialect, "apply_overlap");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.write("A", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        Receipt first = c.node("B").receive(A, c.node("A").outboundFor(B, 10));
        c.write("A", "INSERT INTO pers VALUES (3, 'Dan', 'BV')");
        List<ChangeSet> overlapping = c.node("A").outboundFor(B, 10);
        assertEquals(List.of(1L, 2L, 3L), overlapping.stream().map(ChangeSet::sequence).toList(),
            "Unacknowledged, A's queue still hands out 1 and 2 along with 3.");

        Receipt second = c.node("B").receive(A, overlapping);
        assertEquals(2, first.applied(), "The first batch applies two ChangeSets.");
        assertEquals(1, second.applied(), "The overlapping batch applies only the new ChangeSet 3.");
        assertEquals(3, second.storedThrough(), "B has everything through sequence 3.");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
        assertTrue(c.node("B").conflicts().isEmpty(), "No insert was applied twice (that would be an insert-exists conflict).");
        assertEquals(1L, ((Number) c.sql("B").scalar("SELECT count(*) FROM \"cv_applied_log\" WHERE \"seq\" = 3")).longValue(),
            "B's applied log records sequence 3 once (older entries may already be summarised by a purge).");
        assertEquals(3L, ((Number) c.sql("B").scalar("SELECT max(\"applied_n\") FROM \"cv_applied_log\"")).longValue(),
            "B counted three applied ChangeSets, not four.");
    }

    @AllDialects
    void aChangeSetArrivingBeforeItsPredecessorWaitsInTheInbox(Dialect dialect) {
        Cluster c = cluster(dialect, "apply_out_of_order");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        List<ChangeSet> both = c.node("A").outboundFor(B, 10);
        assertEquals(2, both.size(), "A has two ChangeSets queued.");

        Receipt early = c.node("B").receive(A, List.of(both.get(1)));
        assertEquals(0, early.applied(), "Sequence 2 alone is not applied.");
        assertEquals(0, early.storedThrough(), "Sequence 2 alone acknowledges nothing: sequence 1 is missing.");
        assertEquals(1, early.waiting(), "Sequence 2 waits in B's inbox.");
        assertTrue(c.rows("B", "pers").isEmpty(), "B holds no row while sequence 1 is missing.");
        assertEquals(1, c.node("B").receive(A, List.of(both.get(1))).waiting(), "Receiving sequence 2 again stores it once.");

        Receipt late = c.node("B").receive(A, List.of(both.get(0)));
        assertEquals(2, late.applied(), "Sequence 1 arrives and both apply.");
        assertEquals(2, late.storedThrough(), "B has everything through sequence 2.");
        assertEquals(0, late.waiting(), "The inbox is empty.");
        assertEquals(1, c.rows("B", "pers").size(), "B holds one row.");
        assertTrue(c.rows("B", "pers").get(0).sameAs(row(1, "Vasile", "MS")), "B holds the row as updated by sequence 2: " + c.rows("B", "pers"));
        assertTrue(c.node("B").conflicts().isEmpty(), "Applied in order, the two ChangeSets meet no conflict.");
    }

    @AllDialects
    void aChangeSetOfFifteenHundredRowsAppliesInOneGo(Dialect dialect) {
        Cluster c = cluster(dialect, "apply_large");
        int n = 1500;
        String values = IntStream.rangeClosed(1, n).mapToObj(i -> "(" + i + ", 'n" + i + "', 'MS')").collect(Collectors.joining(", "));
        c.write("A", "INSERT INTO pers VALUES " + values);
        assertEquals(1, c.deliver("A", "B"), "One transaction of " + n + " inserts ships as one ChangeSet.");
        assertEquals(n, c.rows("B", "pers").size(), "All " + n + " rows arrive at B.");
        assertEquals(c.data("A"), c.data("B"), "B holds exactly A's rows.");

        c.write("A", "UPDATE pers SET jud = 'CJ' WHERE marca > 100");
        assertEquals(1, c.deliver("A", "B"), "One update of " + (n - 100) + " rows ships as one ChangeSet.");
        assertEquals(c.data("A"), c.data("B"), "B holds exactly A's rows after the large update.");

        c.write("A", "DELETE FROM pers WHERE marca > 10");
        c.deliver("A", "B");
        assertEquals(10, c.rows("B", "pers").size(), "The large delete leaves ten rows at B.");
        assertEquals(c.data("A"), c.data("B"), "B holds exactly A's rows after the large delete.");
        assertTrue(c.node("B").conflicts().isEmpty(), "No conflict at B.");
    }

    @AllDialects
    void updatesToAndFromNullApply(Dialect dialect) {
        Cluster c = cluster(dialect, "apply_nulls");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', NULL)", "INSERT INTO pers (marca) VALUES (2)");
        c.deliver("A", "B");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1", "UPDATE pers SET jud = 'CJ' WHERE marca = 2");
        c.deliver("A", "B");
        c.write("A", "UPDATE pers SET nume = NULL, jud = 'MS' WHERE marca = 1");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B holds A's rows, NULLs included.");
        assertEquals(List.of(Map.of("marca", 1, "jud", "MS"), Map.of("marca", 2, "jud", "CJ")),
            c.sql("B").query("SELECT marca, jud FROM pers WHERE nume IS NULL ORDER BY marca"), "Both rows have a NULL nume at B.");
        assertEquals(0, c.node("A").outboundFor(B, 10).size(), "B acknowledged everything: no ChangeSet is stuck.");
        assertTrue(c.node("B").conflicts().isEmpty(), "No conflict at B: " + c.node("B").conflicts());
    }

    @AllDialects
    void aColumnSubsetLeavesTheOtherColumnsAloneAtTheTarget(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "apply_subset", List.of("A", "B"), PERS,
            List.of(TableConfig.of("pers").withColumns(List.of("marca", "nume"))));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.deliver("A", "B");
        assertEquals(List.of(Map.of("marca", 1, "nume", "Ion")), c.sql("B").query("SELECT marca, nume FROM pers WHERE jud IS NULL"),
            "The insert arrives without the column outside the subset.");
        c.sql("B").execute("UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        c.write("A", "UPDATE pers SET jud = 'BV' WHERE marca = 1");
        assertTrue(c.node("A").outboundFor(B, 10).stream().allMatch(cs -> cs.changes().isEmpty()),
            "An update of a column outside the subset ships no change.");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.sync();
        assertEquals(List.of(Map.of("nume", "Vasile", "jud", "CJ")), c.sql("B").query("SELECT nume, jud FROM pers"),
            "B takes the replicated column and keeps its own value of the other.");
        assertEquals(List.of(Map.of("nume", "Vasile", "jud", "BV")), c.sql("A").query("SELECT nume, jud FROM pers"),
            "A keeps its own value of the column outside the subset.");
        assertEquals(c.data("A"), c.data("B"), "A and B agree on the replicated columns.");
    }

    @AllDialects
    void parentsAndChildrenInOneChangeSetApplyInAnOrderTheForeignKeyAccepts(Dialect dialect) {
        String schema = """
            CREATE TABLE f (id INT PRIMARY KEY, nume VARCHAR(40));
            CREATE TABLE p (cod INT PRIMARY KEY, f_id INT NOT NULL REFERENCES f (id) ON DELETE RESTRICT, den VARCHAR(40))""";
        Cluster c = Cluster.of(dialect, "apply_fk", List.of("A", "B"), schema, List.of(TableConfig.of("f"), TableConfig.of("p")));
        c.write("A", "INSERT INTO f VALUES (12, 'Furnizor')", "INSERT INTO p VALUES (1023, 12, 'Ciocan')",
            "INSERT INTO f VALUES (13, 'Altul')", "INSERT INTO p VALUES (1024, 13, 'Cleste')");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "Parents and children inserted in one transaction all arrive.");
        c.write("A", "UPDATE p SET f_id = 13 WHERE cod = 1023", "DELETE FROM f WHERE id = 12");
        c.write("A", "DELETE FROM p", "DELETE FROM f");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "Children deleted before their parents in one transaction: all deletes arrive.");
        assertTrue(c.node("B").conflicts().isEmpty(), "The foreign key refused nothing at B: " + c.node("B").conflicts());
    }

    /**
     * Runs {@code uncommitted} in a user transaction at {@code to}, delivers {@code from}'s queue to {@code to} on another
     * thread, waits until that delivery waits for the user's lock, then commits the user transaction and waits for the
     * delivery to finish.
     */
    static void deliverWhileAUserWriteIsOpen(Cluster c, Dialect dialect, String from, String to, String uncommitted) throws Exception {
        c.node(to).publishWallClock();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection user = c.member(to).db().getConnection()) {
            user.setAutoCommit(false);
            try (Statement s = user.createStatement()) {
                s.execute(uncommitted);
            }
            Future<Integer> delivery = pool.submit(() -> c.deliver(from, to));
            String blocked = dialect == Dialect.POSTGRESQL
                ? "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                : "SELECT count(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL";
            Await.until(() -> delivery.isDone() || ((Number) c.sql(to).scalar(blocked)).intValue() > 0, Duration.ofSeconds(30),
                "the apply at " + to + " waits for the user's lock");
            user.commit();
            assertEquals(1, delivery.get(30, TimeUnit.SECONDS), from + "'s ChangeSet is delivered once the user committed.");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * B's user updates row 1325 and has not committed when A's concurrent update arrives: the apply must not judge the
     * row by the committed image it read before the user's commit, or it overwrites the user's update without a
     * conflict while A (seeing B's later update as a conflict it loses) takes B's value: the nodes would diverge.
     */
    @AllDialects
    void aLocalUpdateCommittingWhileAChangeSetAppliesIsJudgedAsAConflict(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "apply_race");
        c.write("A", "INSERT INTO pers VALUES (1325, 'Vasile', 'MS')");
        c.sync();
        c.tick(MINUTE);
        c.write("A", "UPDATE pers SET nume = 'from A' WHERE marca = 1325");
        c.tick(MINUTE);
        deliverWhileAUserWriteIsOpen(c, dialect, "A", "B", "UPDATE pers SET nume = 'from B' WHERE marca = 1325");
        c.sync();
        assertEquals(c.data("A"), c.data("B"), "A and B converged: " + c.data("A") + " vs " + c.data("B"));
        assertTrue(c.rows("A", "pers").get(0).sameAs(row(1325, "from B", "MS")), "B's update (12:02) is later than A's (12:01) and wins.");
        assertEquals(List.of(ConflictType.UPDATE_CHANGED_ROW), c.node("B").conflicts().stream().map(ConflictRecord::type).toList(),
            "B saw A's update meet its own concurrent one.");
    }

    /**
     * B's user inserts row 1 at 12:01 and has not committed when A's insert of the same key (12:02) arrives. The apply
     * finds no row, then its insert waits for the user's and fails on the key: that is an insert-exists conflict,
     * which A's later insert wins at B as it does at A.
     */
    @AllDialects
    void aLocalInsertCommittingWhileTheSameKeyIsAppliedIsAnInsertExistsConflict(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "apply_insert_race");
        c.tick(2 * MINUTE);
        c.write("A", "INSERT INTO pers VALUES (1, 'from A', 'MS')");
        c.member("B").clock().set(NOON_PLUS(1));
        deliverWhileAUserWriteIsOpen(c, dialect, "A", "B", "INSERT INTO pers VALUES (1, 'from B', 'MS')");
        c.sync();
        assertEquals(List.of(ConflictType.INSERT_EXISTS), c.node("B").conflicts().stream().map(ConflictRecord::type).toList(),
            "B recorded A's insert meeting its own as insert-exists: " + c.node("B").conflicts());
        assertEquals(c.data("A"), c.data("B"), "A and B converged: " + c.data("A") + " vs " + c.data("B"));
        assertTrue(c.rows("B", "pers").get(0).sameAs(row(1, "from A", "MS")), "A's insert (12:02) is later than B's (12:01) and wins.");
    }

    // ---- the target refuses rows ------------------------------------------------------------------------------------

    /** A constraint only B has, A's rows in one transaction, and the one of them B must refuse. */
    record Refusal(String name, List<String> ddlAtB, String rowsAtA, long refusedKey) {
    }

    static final List<Refusal> REFUSALS = List.of(
        new Refusal("check", List.of("ALTER TABLE pers ADD CONSTRAINT pers_no_xx CHECK (jud <> 'XX')"),
            "(1, 'Ion', 'MS'), (2, 'Ana', 'XX'), (3, 'Dan', 'MS')", 2),
        new Refusal("unique", List.of("CREATE UNIQUE INDEX pers_nume_uq ON pers (nume)"),
            "(1, 'Ion', 'MS'), (2, 'Ana', 'CJ'), (3, 'Ion', 'BV')", 3),
        new Refusal("foreign key", List.of("CREATE TABLE judete (cod CHAR(2) PRIMARY KEY)", "INSERT INTO judete VALUES ('MS')",
            "ALTER TABLE pers ADD CONSTRAINT pers_jud_fk FOREIGN KEY (jud) REFERENCES judete (cod)"),
            "(1, 'Ion', 'MS'), (2, 'Ana', 'CJ'), (3, 'Dan', 'MS')", 2));

    @AllDialects
    void atRowScopeARefusedRowIsAConstraintConflictAndTheOtherRowsApply(Dialect dialect) {
        for (Refusal refusal : REFUSALS) {
            Cluster c = cluster(dialect, "apply_refuse_row");
            c.sql("B").execute(refusal.ddlAtB().toArray(String[]::new));
            c.write("A", "INSERT INTO pers VALUES " + refusal.rowsAtA());
            ChangeSet shipped = lastQueued(c, "A", "B");
            Receipt receipt = c.node("B").receive(A, List.of(shipped));

            String what = "With a " + refusal.name() + " constraint at B: ";
            assertEquals(1, receipt.applied(), what + "the ChangeSet is consumed.");
            assertEquals(List.of(1L, 2L, 3L).stream().filter(k -> k != refusal.refusedKey()).toList(),
                c.rows("B", "pers").stream().map(r -> ((Number) r.get("marca")).longValue()).toList(),
                what + "the two acceptable rows are applied, the refused one is not.");
            List<ConflictRecord> conflicts = c.node("B").conflicts();
            assertEquals(1, conflicts.size(), what + "one conflict is recorded: " + conflicts);
            ConflictRecord r = conflicts.get(0);
            assertEquals(ConflictType.CONSTRAINT, r.type(), what + "the conflict is a constraint conflict.");
            assertTrue(r.table().equalsIgnoreCase("pers"), what + "the conflict names the table.");
            assertEquals(Optional.of(RowKey.of("marca", refusal.refusedKey())), r.key(), what + "the conflict names the refused row's key.");
            assertTrue(r.remoteImage().isPresent() && ((Number) r.remoteImage().get().get("marca")).longValue() == refusal.refusedKey(),
                what + "the conflict carries the refused row: " + r.remoteImage());
            assertEquals(Optional.empty(), r.localImage(), what + "B had no row of that key.");
            assertEquals(shipped.changes().get(0).timestamp(), r.remoteTimestamp(), what + "the conflict carries the change's timestamp.");
            assertEquals(A, r.remoteOrigin(), what + "the conflict names A as the origin.");
            assertEquals(shipped.id(), r.changeSet(), what + "the conflict names the ChangeSet.");
            assertEquals(ConflictScope.ROW, r.scope(), what + "the conflict was decided at row scope.");
            assertEquals("timestamp", r.resolver(), what + "the conflict names the table's resolver.");
            assertEquals(Outcome.PARKED, r.outcome(), what + "the refused row is parked for a person.");
            assertEquals(ConflictStatus.NEEDS_REVIEW, r.status(), what + "the conflict needs review.");
            assertTrue(r.detail().isPresent() && !r.detail().get().isBlank(), what + "the conflict says why the database refused the row.");
            assertEquals(B, r.detectedAt(), what + "B detected the conflict.");
        }
    }

    @AllDialects
    void atTransactionScopeARefusedRowRejectsTheWholeChangeSet(Dialect dialect) {
        for (Refusal refusal : REFUSALS) {
            Cluster c = cluster(dialect, "apply_refuse_tx", b -> b.defaultScope(ConflictScope.TRANSACTION));
            c.sql("B").execute(refusal.ddlAtB().toArray(String[]::new));
            c.write("A", "INSERT INTO pers VALUES " + refusal.rowsAtA());
            ChangeSet shipped = lastQueued(c, "A", "B");
            Receipt receipt = c.node("B").receive(A, List.of(shipped));

            String what = "With a " + refusal.name() + " constraint at B: ";
            assertEquals(1, receipt.storedThrough(), what + "the rejected ChangeSet is consumed, not retried forever.");
            assertTrue(c.rows("B", "pers").isEmpty(), what + "no row of the rejected ChangeSet is applied: " + c.rows("B", "pers"));
            assertEquals(0L, ((Number) c.sql("B").scalar("SELECT count(*) FROM \"cv_shadow_pers\"")).longValue(),
                what + "no row version of the rejected ChangeSet is written.");
            List<ConflictRecord> conflicts = c.node("B").conflicts();
            assertEquals(List.of(ConflictType.CONSTRAINT, ConflictType.TRANSACTION), conflicts.stream().map(ConflictRecord::type).toList(),
                what + "the refused row's constraint conflict and the transaction conflict are recorded: " + conflicts);
            ConflictRecord row = conflicts.get(0);
            assertEquals(Optional.of(RowKey.of("marca", refusal.refusedKey())), row.key(), what + "the constraint conflict names the refused row.");
            assertEquals(ConflictStatus.NEEDS_REVIEW, row.status(), what + "the constraint conflict needs review.");
            assertEquals(ConflictScope.TRANSACTION, row.scope(), what + "the constraint conflict was decided at transaction scope.");
            assertEquals(shipped.id(), row.changeSet(), what + "the constraint conflict names the ChangeSet.");
            ConflictRecord tx = conflicts.get(1);
            assertEquals(shipped.id(), tx.changeSet(), what + "the transaction conflict names the ChangeSet.");
            assertEquals(ConflictStatus.NEEDS_REVIEW, tx.status(), what + "the transaction conflict needs review.");
            assertEquals(Outcome.KEPT_LOCAL, tx.outcome(), what + "the rejected transaction left B as it was.");

            c.write("A", "INSERT INTO pers VALUES (7, 'Radu', 'MS')");
            c.deliver("A", "B");
            assertEquals(List.of(7L), c.rows("B", "pers").stream().map(r -> ((Number) r.get("marca")).longValue()).toList(),
                what + "A's next ChangeSet applies normally after the rejected one.");
        }
    }

    // ---- every conflict type ----------------------------------------------------------------------------------------

    /** What one recorded conflict must say, field by field. */
    record Expected(NodeId detectedAt, ConflictType type, long key, Optional<RowImage> local, Optional<RowImage> remote,
                    Optional<RowImage> shadow, ChangeSet localWrite, ChangeSet remoteWrite, ConflictScope scope, Outcome outcome,
                    ConflictStatus status) {
    }

    static void assertRecorded(Expected e, ConflictRecord r) {
        String what = "The " + e.type().word() + " conflict at " + e.detectedAt() + " ";
        assertEquals(e.detectedAt(), r.detectedAt(), what + "is recorded by the node that detected it.");
        assertEquals(e.type(), r.type(), what + "has its type.");
        assertTrue(r.table().equalsIgnoreCase("pers"), what + "names the table, not " + r.table() + ".");
        assertEquals(Optional.of(RowKey.of("marca", e.key())), r.key(), what + "names the row's key.");
        assertImage(e.local(), r.localImage(), what + "carries the local row");
        assertImage(e.remote(), r.remoteImage(), what + "carries the incoming row");
        assertImage(e.shadow(), r.shadowImage(), what + "carries the shadow of the deleted row");
        assertEquals(Optional.of(e.localWrite().timestamp()), r.localTimestamp(), what + "carries the local write's timestamp.");
        assertEquals(Optional.of(e.localWrite().origin()), r.localOrigin(), what + "names the local write's origin.");
        assertEquals(e.remoteWrite().timestamp(), r.remoteTimestamp(), what + "carries the incoming change's timestamp.");
        assertEquals(e.remoteWrite().origin(), r.remoteOrigin(), what + "names the incoming change's origin.");
        assertEquals(e.remoteWrite().id(), r.changeSet(), what + "names the incoming ChangeSet.");
        assertEquals(e.scope(), r.scope(), what + "names the scope it was decided at.");
        assertEquals("timestamp", r.resolver(), what + "names the resolver that decided it.");
        assertEquals(e.outcome(), r.outcome(), what + "has its outcome.");
        assertEquals(e.status(), r.status(), what + "has its status.");
    }

    private static void assertImage(Optional<RowImage> expected, Optional<RowImage> actual, String what) {
        assertEquals(expected.isPresent(), actual.isPresent(), what + (expected.isPresent() ? "." : ": none.") + " Found " + actual + ".");
        expected.ifPresent(x -> assertTrue(x.sameAs(actual.get()), what + ": expected " + x + " but found " + actual.get() + "."));
    }

    /** Row 1325 on both nodes, in sync; then A writes at 12:01 and B at 12:02, neither having seen the other's write. */
    record Concurrent(Cluster cluster, ChangeSet atA, ChangeSet atB) {
    }

    static Concurrent concurrent(Dialect dialect, String name, String writeAtA, String writeAtB, UnaryOperator<NodeConfig.Builder> tweak,
                                 boolean initialRow) {
        Cluster c = cluster(dialect, name, tweak);
        if (initialRow) {
            c.write("A", "INSERT INTO pers VALUES (1325, 'Vasile', 'MS')");
            c.sync();
        }
        c.tick(MINUTE);
        c.write("A", writeAtA.split(";\\s*"));
        c.tick(MINUTE);
        c.write("B", writeAtB.split(";\\s*"));
        ChangeSet atA = lastQueued(c, "A", "B");
        ChangeSet atB = lastQueued(c, "B", "A");
        assertEquals(NOON_PLUS(1), atA.timestamp().physicalMillis(), "A's write is stamped with A's clock, 12:01.");
        assertEquals(NOON_PLUS(2), atB.timestamp().physicalMillis(), "B's write is stamped with B's clock, 12:02.");
        return new Concurrent(c, atA, atB);
    }

    static long NOON_PLUS(int minutes) {
        return Cluster.NOON + minutes * MINUTE;
    }

    static ConflictRecord only(Cluster c, String node) {
        List<ConflictRecord> all = c.node(node).conflicts();
        assertEquals(1, all.size(), node + " recorded exactly one conflict: " + all);
        return all.get(0);
    }

    static final RowImage VASILE = row(1325, "Vasile", "MS");

    @AllDialects
    void insertExists(Dialect dialect) {
        Concurrent w = concurrent(dialect, "conflict_insert_exists", "INSERT INTO pers VALUES (1325, 'Ion', 'MS')",
            "INSERT INTO pers VALUES (1325, 'Ana', 'CJ')", b -> b, false);
        Cluster c = w.cluster();
        c.deliver("A", "B");
        c.deliver("B", "A");
        assertRecorded(new Expected(B, ConflictType.INSERT_EXISTS, 1325, Optional.of(row(1325, "Ana", "CJ")), Optional.of(row(1325, "Ion", "MS")),
            Optional.empty(), w.atB(), w.atA(), ConflictScope.ROW, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED), only(c, "B"));
        assertRecorded(new Expected(A, ConflictType.INSERT_EXISTS, 1325, Optional.of(row(1325, "Ion", "MS")), Optional.of(row(1325, "Ana", "CJ")),
            Optional.empty(), w.atA(), w.atB(), ConflictScope.ROW, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED), only(c, "A"));
        assertEquals(c.data("A"), c.data("B"), "Both nodes hold the later insert.");
        assertTrue(c.rows("A", "pers").get(0).sameAs(row(1325, "Ana", "CJ")), "The later insert (B's, 12:02) won.");
    }

    @AllDialects
    void updateChangedRow(Dialect dialect) {
        Concurrent w = concurrent(dialect, "conflict_update_changed", "UPDATE pers SET nume = 'Ion' WHERE marca = 1325",
            "UPDATE pers SET jud = 'CJ' WHERE marca = 1325", b -> b, true);
        Cluster c = w.cluster();
        c.deliver("A", "B");
        c.deliver("B", "A");
        assertRecorded(new Expected(B, ConflictType.UPDATE_CHANGED_ROW, 1325, Optional.of(row(1325, "Vasile", "CJ")),
            Optional.of(row(1325, "Ion", "MS")), Optional.empty(), w.atB(), w.atA(), ConflictScope.ROW, Outcome.KEPT_LOCAL,
            ConflictStatus.AUTO_RESOLVED), only(c, "B"));
        assertRecorded(new Expected(A, ConflictType.UPDATE_CHANGED_ROW, 1325, Optional.of(row(1325, "Ion", "MS")),
            Optional.of(row(1325, "Vasile", "CJ")), Optional.empty(), w.atA(), w.atB(), ConflictScope.ROW, Outcome.APPLIED_REMOTE,
            ConflictStatus.AUTO_RESOLVED), only(c, "A"));
        assertEquals(c.data("A"), c.data("B"), "Both nodes hold the later update.");
        assertTrue(c.rows("A", "pers").get(0).sameAs(row(1325, "Vasile", "CJ")), "The later update (B's, 12:02) won.");
    }

    @AllDialects
    void updateMissingRowAndDeleteChangedRow(Dialect dialect) {
        Concurrent w = concurrent(dialect, "conflict_update_missing", "UPDATE pers SET jud = 'CJ' WHERE marca = 1325",
            "DELETE FROM pers WHERE marca = 1325", b -> b, true);
        Cluster c = w.cluster();
        c.deliver("A", "B");
        c.deliver("B", "A");
        assertRecorded(new Expected(B, ConflictType.UPDATE_MISSING_ROW, 1325, Optional.empty(), Optional.of(row(1325, "Vasile", "CJ")),
            Optional.of(VASILE), w.atB(), w.atA(), ConflictScope.ROW, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED), only(c, "B"));
        assertRecorded(new Expected(A, ConflictType.DELETE_CHANGED_ROW, 1325, Optional.of(row(1325, "Vasile", "CJ")), Optional.of(VASILE),
            Optional.empty(), w.atA(), w.atB(), ConflictScope.ROW, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED), only(c, "A"));
        assertTrue(c.rows("A", "pers").isEmpty() && c.rows("B", "pers").isEmpty(), "The later delete (B's, 12:02) won on both nodes.");
    }

    @AllDialects
    void deleteMissingRow(Dialect dialect) {
        Concurrent w = concurrent(dialect, "conflict_delete_missing", "DELETE FROM pers WHERE marca = 1325",
            "DELETE FROM pers WHERE marca = 1325", b -> b, true);
        Cluster c = w.cluster();
        c.deliver("A", "B");
        c.deliver("B", "A");
        assertRecorded(new Expected(B, ConflictType.DELETE_MISSING_ROW, 1325, Optional.empty(), Optional.of(VASILE), Optional.of(VASILE),
            w.atB(), w.atA(), ConflictScope.ROW, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED), only(c, "B"));
        assertRecorded(new Expected(A, ConflictType.DELETE_MISSING_ROW, 1325, Optional.empty(), Optional.of(VASILE), Optional.of(VASILE),
            w.atA(), w.atB(), ConflictScope.ROW, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED), only(c, "A"));
        assertTrue(c.rows("A", "pers").isEmpty() && c.rows("B", "pers").isEmpty(), "The row stays deleted on both nodes.");
    }

    @AllDialects
    void deleteChangedRowWhereTheLocalUpdateWins(Dialect dialect) {
        Concurrent w = concurrent(dialect, "conflict_delete_changed", "DELETE FROM pers WHERE marca = 1325",
            "UPDATE pers SET jud = 'CJ' WHERE marca = 1325", b -> b, true);
        Cluster c = w.cluster();
        c.deliver("A", "B");
        assertRecorded(new Expected(B, ConflictType.DELETE_CHANGED_ROW, 1325, Optional.of(row(1325, "Vasile", "CJ")), Optional.of(VASILE),
            Optional.empty(), w.atB(), w.atA(), ConflictScope.ROW, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED), only(c, "B"));
        c.deliver("B", "A");
        assertRecorded(new Expected(A, ConflictType.UPDATE_MISSING_ROW, 1325, Optional.empty(), Optional.of(row(1325, "Vasile", "CJ")),
            Optional.of(VASILE), w.atA(), w.atB(), ConflictScope.ROW, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED), only(c, "A"));
        assertEquals(c.data("A"), c.data("B"), "Both nodes hold the later update, re-inserted at A.");
        assertTrue(c.rows("A", "pers").get(0).sameAs(row(1325, "Vasile", "CJ")), "The later update (B's, 12:02) won over A's delete.");
    }

    @AllDialects
    void transactionScopeRejectsTheWholeChangeSetWhenOneRowLoses(Dialect dialect) {
        Cluster c = cluster(dialect, "conflict_transaction", b -> b.defaultScope(ConflictScope.TRANSACTION));
        c.write("A", "INSERT INTO pers VALUES (1325, 'Vasile', 'MS')", "INSERT INTO pers VALUES (7, 'Ion', 'MS')");
        c.sync();
        c.tick(MINUTE);
        c.write("A", "UPDATE pers SET nume = 'Ioan' WHERE marca = 7", "UPDATE pers SET jud = 'BV' WHERE marca = 1325");
        c.tick(MINUTE);
        c.write("B", "UPDATE pers SET jud = 'CJ' WHERE marca = 1325");
        ChangeSet atA = lastQueued(c, "A", "B");
        ChangeSet atB = lastQueued(c, "B", "A");

        c.deliver("A", "B");
        List<ConflictRecord> atBConflicts = c.node("B").conflicts();
        assertEquals(List.of(ConflictType.UPDATE_CHANGED_ROW, ConflictType.TRANSACTION), atBConflicts.stream().map(ConflictRecord::type).toList(),
            "B records the losing row's conflict and the rejected transaction: " + atBConflicts);
        assertRecorded(new Expected(B, ConflictType.UPDATE_CHANGED_ROW, 1325, Optional.of(row(1325, "Vasile", "CJ")),
            Optional.of(row(1325, "Vasile", "BV")), Optional.empty(), atB, atA, ConflictScope.TRANSACTION, Outcome.KEPT_LOCAL,
            ConflictStatus.AUTO_RESOLVED), atBConflicts.get(0));
        ConflictRecord tx = atBConflicts.get(1);
        assertEquals(B, tx.detectedAt(), "The transaction conflict is recorded at B.");
        assertTrue(tx.table().equalsIgnoreCase("pers"), "The transaction conflict names the table of its first change.");
        assertEquals(Optional.empty(), tx.key(), "A transaction conflict names no single row.");
        assertEquals(Optional.empty(), tx.localImage(), "A transaction conflict carries no local row.");
        assertEquals(Optional.empty(), tx.remoteImage(), "A transaction conflict carries no incoming row.");
        assertEquals(Optional.empty(), tx.localTimestamp(), "A transaction conflict carries no local timestamp.");
        assertEquals(Optional.empty(), tx.localOrigin(), "A transaction conflict names no local origin.");
        assertEquals(atA.timestamp(), tx.remoteTimestamp(), "The transaction conflict carries the ChangeSet's timestamp.");
        assertEquals(A, tx.remoteOrigin(), "The transaction conflict names the ChangeSet's origin.");
        assertEquals(atA.id(), tx.changeSet(), "The transaction conflict names the rejected ChangeSet.");
        assertEquals(ConflictScope.TRANSACTION, tx.scope(), "The transaction conflict was decided at transaction scope.");
        assertEquals("timestamp", tx.resolver(), "The transaction conflict names the resolver.");
        assertEquals(Outcome.KEPT_LOCAL, tx.outcome(), "The rejected transaction left B as it was.");
        assertEquals(ConflictStatus.NEEDS_REVIEW, tx.status(), "A rejected transaction needs review.");
        assertTrue(tx.detail().isPresent() && tx.detail().get().contains("Ioan"), "The transaction conflict keeps the whole ChangeSet for review.");
        assertTrue(c.rows("B", "pers").stream().anyMatch(r -> r.sameAs(row(7, "Ion", "MS"))),
            "The row that did not conflict (7) was not updated at B either: " + c.rows("B", "pers"));
    }
}
