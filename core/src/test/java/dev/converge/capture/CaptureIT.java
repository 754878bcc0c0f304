package dev.converge.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.queue.CapturedStatement;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Capture against real databases: what the triggers write to {@code cv_outbox}, when, and what they leave alone.
 * Node A captures; node B is there to receive what A ships and to show that applied writes are not captured again.
 */
class CaptureIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2))";
    static final NodeId A = NodeId.of("A");
    static final NodeId B = NodeId.of("B");

    /** One captured row operation as the outbox holds it. */
    record Captured(String tx, String op, RowImage before, RowImage after, boolean beforeMatch, boolean afterMatch) {
    }

    static final String OUTBOX_QUERY = "SELECT \"tx_key\", \"tbl\", \"op\", \"ts\", CAST(\"before_img\" AS VARCHAR) AS b,"
        + " CAST(\"after_img\" AS VARCHAR) AS a, CAST(\"before_match\" AS VARCHAR) AS bm, CAST(\"after_match\" AS VARCHAR) AS am"
        + " FROM \"cv_outbox\" ORDER BY \"id\"";

    /** The captured row operations, each outbox row (a statement on PostgreSQL, a row on H2) expanded. */
    static List<Captured> outbox(Sql sql) {
        List<Captured> out = new ArrayList<>();
        for (Map<String, Object> r : sql.query(OUTBOX_QUERY)) {
            out.addAll(captured((String) r.get("tx_key"), new CapturedStatement((String) r.get("tbl"), ((String) r.get("op")).trim(),
                ((Number) r.get("ts")).longValue(), (String) r.get("b"), (String) r.get("a"), (String) r.get("bm"), (String) r.get("am"))));
        }
        return out;
    }

    /** The outbox as seen from inside an open transaction on {@code c}. */
    static List<Captured> outbox(Connection c) throws SQLException {
        List<Captured> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(OUTBOX_QUERY)) {
            while (rs.next()) {
                out.addAll(captured(rs.getString(1), new CapturedStatement(rs.getString(2), rs.getString(3).trim(), rs.getLong(4),
                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8))));
            }
        }
        return out;
    }

    private static List<Captured> captured(String tx, CapturedStatement statement) {
        return statement.expand(0, image -> image).stream().map(c -> new Captured(tx, c.operation().name().substring(0, 1), c.before(),
            c.after(), c.beforeMatches(), c.afterMatches())).toList();
    }

    /** The number of rows of {@code from}, written as SQL: a Converge table quoted ({@code "cv_outbox"}), a user table as is. */
    static long count(Sql sql, String from) {
        return ((Number) sql.scalar("SELECT count(*) FROM " + from)).longValue();
    }

    static Cluster cluster(Dialect dialect, String name, String schema, TableConfig table) {
        return Cluster.of(dialect, name, List.of("A", "B"), schema, List.of(table));
    }

    @org.junit.jupiter.api.Test
    void onPostgresAStatementIsCapturedAsOneOutboxRowPerThousandOfItsRows() {
        Cluster c = cluster(Dialect.POSTGRESQL, "cap_grouped", "CREATE TABLE item (id INT PRIMARY KEY, qty INT)", TableConfig.of("item"));
        c.write("A", "INSERT INTO item SELECT x, x FROM generate_series(1, 2500) AS r(x)");
        c.write("A", "UPDATE item SET id = id + 10000 WHERE id <= 1500");
        assertEquals(3 + 3, count(c.sql("A"), "\"cv_outbox\""),
            "2,500 inserted rows take 3 outbox rows; 1,500 rows whose key changed are 3,000 elements (a delete and an insert each), 3.");
        List<Captured> captured = outbox(c.sql("A"));
        assertEquals(2500 + 3000, captured.size(), "Every row is captured once; each changed key as a delete and an insert.");
        assertEquals(2500, captured.stream().filter(x -> x.op().equals("I") && x.after().get("id") instanceof Long id && id <= 2500).count(),
            "The statement's inserts, once each.");
        assertEquals(1500, captured.stream().filter(x -> x.op().equals("D")).map(x -> x.before().get("id")).distinct().count(),
            "The key change's old rows, once each.");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
    }

    @AllDialects
    void everyCommittedWriteIsCapturedInItsOwnTransactionWithBothImages(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "capture_basic", PERS, TableConfig.of("pers"));
        Sql outside = c.sql("A");
        try (Connection tx = c.member("A").db().getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                s.execute("INSERT INTO pers VALUES (1, 'Ion', 'MS')");
            }
            List<Captured> inside = outbox(tx);
            assertEquals(1, inside.size(), "The inserting transaction sees its own captured insert before it commits: " + inside);
            assertEquals(0, count(outside, "\"cv_outbox\""), "Another connection sees nothing of an uncommitted insert in the outbox.");
            tx.commit();
        }
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.write("A", "DELETE FROM pers WHERE marca = 1");

        List<Captured> rows = outbox(outside);
        assertEquals(List.of("I", "U", "D"), rows.stream().map(Captured::op).toList(), "The outbox holds the insert, the update and the delete in order.");
        Captured insert = rows.get(0);
        Captured update = rows.get(1);
        Captured delete = rows.get(2);
        assertNull(insert.before(), "An insert has no before image.");
        assertEquals("Ion", insert.after().get("nume"), "The insert's after image is the inserted row.");
        assertEquals(1L, insert.after().get("marca"), "The insert's after image carries the key.");
        assertEquals("Ion", update.before().get("nume"), "The update's before image is the row as it was.");
        assertEquals("Vasile", update.after().get("nume"), "The update's after image is the row as it became.");
        assertEquals("MS", update.after().get("jud"), "The update's after image carries the unchanged columns too.");
        assertEquals("Vasile", delete.before().get("nume"), "The delete's before image is the row as it was when deleted.");
        assertNull(delete.after(), "A delete has no after image.");
        assertEquals(3, rows.stream().map(Captured::tx).distinct().count(), "Three transactions have three distinct transaction keys.");
    }

    @AllDialects
    void rolledBackTransactionLeavesNoTraceAndShipsNothing(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "capture_rollback", PERS, TableConfig.of("pers"));
        try (Connection tx = c.member("A").db().getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                s.execute("INSERT INTO pers VALUES (1, 'Ion', 'MS')");
                s.execute("UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
                s.execute("INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
            }
            assertEquals(3, outbox(tx).size(), "Inside the transaction its three row operations are captured.");
            tx.rollback();
        }
        Sql a = c.sql("A");
        assertEquals(0, count(a, "\"cv_outbox\""), "A rolled-back transaction leaves no captured row.");
        assertEquals(0, count(a, "\"cv_shadow_pers\""), "A rolled-back transaction leaves no row version in the shadow table.");
        assertTrue(c.node("A").outboundFor(B, 10).isEmpty(), "Nothing of a rolled-back transaction is queued for a peer.");

        c.write("A", "INSERT INTO pers VALUES (3, 'Dan', 'BV')");
        List<ChangeSet> queued = c.node("A").outboundFor(B, 10);
        assertEquals(1, queued.size(), "Only the committed transaction is queued: " + queued);
        assertEquals(1, queued.get(0).sequence(), "The rolled-back transaction took no sequence number.");
        c.deliver("A", "B");
        assertEquals(List.of(3L), c.sql("B").query("SELECT marca FROM pers").stream().map(r -> ((Number) r.get("marca")).longValue()).toList(),
            "B holds only the committed row.");
    }

    @AllDialects
    void writesUndoneInsideACommittedTransactionAreNotCaptured(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "capture_partial", PERS, TableConfig.of("pers"));
        c.node("A").publishWallClock();
        try (Connection tx = c.member("A").db().getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                s.execute("INSERT INTO pers VALUES (1, 'Ion', 'MS')");
                var savepoint = tx.setSavepoint();
                s.execute("INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
                s.execute("UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
                tx.rollback(savepoint);
                var beforeFailure = tx.setSavepoint();
                try {
                    s.execute("INSERT INTO pers VALUES (3, 'Dan', 'BV'), (4, 'Radu', 'SB'), (1, 'duplicate', 'MS')");
                    throw new AssertionError("The duplicate key fails the multi-row insert.");
                } catch (SQLException expected) {
                    if (dialect == Dialect.POSTGRESQL) {
                        tx.rollback(beforeFailure); // PostgreSQL needs it to go on; H2 undoes the failed statement by itself
                    }
                }
                s.execute("INSERT INTO pers VALUES (5, 'Ilie', 'AB')");
            }
            tx.commit();
        }
        List<Captured> rows = outbox(c.sql("A"));
        assertEquals(List.of(1L, 5L), rows.stream().map(r -> r.after().get("marca")).toList(),
            "Only the inserts that stayed are captured: not those rolled back to a savepoint, not those of the failed statement: " + rows);
        assertEquals("Ion", rows.get(0).after().get("nume"), "The update rolled back to the savepoint is not captured.");
        c.deliver("A", "B");
        assertEquals(c.data("A"), c.data("B"), "B holds rows 1 and 5 only, like A.");
        assertEquals(2, c.rows("B", "pers").size(), "B holds two rows.");
    }

    @AllDialects
    void aTransactionWhoseFirstRowsWereRolledBackToASavepointIsStillSequenced(Dialect dialect) throws SQLException {
        // capture registers a transaction for the sequencer with its first row; that registration goes back with it
        Cluster c = cluster(dialect, "capture_savepoint_first", PERS, TableConfig.of("pers"));
        c.node("A").publishWallClock();
        try (Connection tx = c.member("A").db().getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                var first = tx.setSavepoint();
                s.execute("INSERT INTO pers VALUES (1, 'Ion', 'MS')");
                tx.rollback(first);
                s.execute("INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
            }
            tx.commit();
        }
        assertEquals(1, c.deliver("A", "B"), "A ships the transaction whose first row was rolled back to a savepoint.");
        assertEquals(List.of(2), c.sql("B").query("SELECT marca FROM pers ORDER BY marca").stream()
            .map(r -> ((Number) r.values().iterator().next()).intValue()).toList(), "B holds row 2 only, like A.");
        assertEquals(0L, ((Number) c.sql("A").scalar("SELECT COUNT(*) FROM \"cv_unsequenced\"")).longValue(),
            "Nothing is left registered once it is sequenced.");
    }

    @AllDialects
    void aTransactionWhoseFirstStatementFailedIsStillSequencedWithEveryLaterRow(Dialect dialect) throws SQLException {
        // capture reads the clock and registers the transaction once per statement: the failed statement's registration
        // goes back with it, and the next statements (an upsert that inserts, then rows that follow a savepoint) must
        // register again rather than trust what the failed one did
        Cluster c = cluster(dialect, "capture_failed_first", PERS, TableConfig.of("pers"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.deliver("A", "B");
        c.node("A").publishWallClock();
        String upsert = dialect == Dialect.POSTGRESQL
            ? "INSERT INTO pers VALUES (%d, '%s', 'MS') ON CONFLICT (marca) DO UPDATE SET nume = EXCLUDED.nume"
            : "MERGE INTO pers KEY (marca) VALUES (%d, '%s', 'MS')";
        try (Connection tx = c.member("A").db().getConnection()) {
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement()) {
                var beforeFailure = tx.setSavepoint();
                try {
                    s.execute("INSERT INTO pers VALUES (3, 'Dan', 'BV'), (4, 'Radu', 'SB'), (1, 'duplicate', 'MS')");
                    throw new AssertionError("The duplicate key fails the multi-row insert.");
                } catch (SQLException expected) {
                    tx.rollback(beforeFailure);
                }
                s.execute(String.format(upsert, 5, "Ilie"));
                var second = tx.setSavepoint();
                s.execute(String.format(upsert, 1, "Vasile"));
                tx.rollback(second);
                s.execute(String.format(upsert, 6, "Maria"));
                s.execute("UPDATE pers SET jud = 'CJ' WHERE marca IN (1, 5, 6)");
            }
            tx.commit();
        }
        assertEquals(1, c.deliver("A", "B"), "A ships the one transaction whose first statement failed.");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
        assertEquals(List.of(List.of(1, "Ion", "CJ"), List.of(5, "Ilie", "CJ"), List.of(6, "Maria", "CJ")),
            c.sql("B").query("SELECT marca, nume, jud FROM pers ORDER BY marca").stream()
                .map(r -> r.values().stream().map(v -> v instanceof Number n ? (Object) n.intValue() : v).toList()).toList(),
            "B holds rows 1, 5 and 6 as A committed them: nothing of the failed statement or of the rolled back upsert.");
        assertEquals(0L, ((Number) c.sql("A").scalar("SELECT COUNT(*) FROM \"cv_unsequenced\"")).longValue(),
            "Nothing is left registered once it is sequenced.");
    }

    @AllDialects
    void everyRowOfACascadeAndOfAnUpsertIsCaptured(Dialect dialect) {
        // on H2 a cascade runs statements inside the user's, and a MERGE fires its inserted rows after the statement
        // triggers around it: every one of them must still be captured, with the clock read for its own statement
        String schema = "CREATE TABLE node (id INT PRIMARY KEY, up INT REFERENCES node (id) ON DELETE CASCADE, v INT)";
        Cluster c = Cluster.of(dialect, "capture_cascade_upsert", List.of("A", "B"), schema, List.of(TableConfig.of("node")));
        c.write("A", "INSERT INTO node VALUES (1, NULL, 0), (2, 1, 0), (3, 2, 0), (4, 3, 0), (5, NULL, 0)");
        c.write("A", dialect == Dialect.POSTGRESQL
            ? "INSERT INTO node VALUES (5, NULL, 1), (6, 5, 1), (7, 6, 1) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v"
            : "MERGE INTO node KEY (id) VALUES (5, NULL, 1), (6, 5, 1), (7, 6, 1)");
        c.write("A", "DELETE FROM node WHERE id = 1");
        assertEquals(3, c.deliver("A", "B"), "A ships its three transactions.");
        assertEquals(List.of(5L, 6L, 7L), c.sql("B").query("SELECT id FROM node ORDER BY id").stream()
            .map(r -> ((Number) r.values().iterator().next()).longValue()).toList(), "The cascade's deletes reached B, and the upsert's rows.");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
    }

    @AllDialects
    void writesOfTheApplyEngineAreNotCapturedButLaterLocalWritesAre(Dialect dialect) {
        Cluster c = cluster(dialect, "capture_echo", PERS, TableConfig.of("pers"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        c.write("A", "DELETE FROM pers WHERE marca = 2");
        assertEquals(3, c.deliver("A", "B"), "A ships its three transactions.");
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
        assertEquals(0, count(c.sql("B"), "\"cv_outbox\""), "The apply engine's inserts, updates and deletes at B are not captured.");
        assertTrue(c.node("B").outboundFor(A, 10).isEmpty(), "B has nothing to send back to A: no echo.");

        c.write("B", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        List<Captured> atB = outbox(c.sql("B"));
        assertEquals(1, atB.size(), "A local write after an apply is captured again: capture was switched off only for the apply.");
        assertEquals("U", atB.get(0).op(), "B's own update is captured as an update.");
    }

    @AllDialects
    void multiRowStatementsAreCapturedRowByRow(Dialect dialect) {
        Cluster c = cluster(dialect, "capture_multi", PERS, TableConfig.of("pers"));
        String values = IntStream.rangeClosed(1, 30).mapToObj(i -> "(" + i + ", 'n" + i + "', 'MS')").collect(Collectors.joining(", "));
        c.write("A", "INSERT INTO pers VALUES " + values);
        c.write("A", "UPDATE pers SET jud = 'CJ'");
        c.write("A", "DELETE FROM pers WHERE marca <= 20");
        c.write("A", "UPDATE pers SET marca = marca + 1000 WHERE marca > 25");

        List<Captured> rows = outbox(c.sql("A"));
        List<String> txs = rows.stream().map(Captured::tx).distinct().toList();
        assertEquals(4, txs.size(), "Four statements in four transactions give four transaction keys.");
        List<Captured> inserts = rows.stream().filter(r -> r.tx().equals(txs.get(0))).toList();
        List<Captured> updates = rows.stream().filter(r -> r.tx().equals(txs.get(1))).toList();
        List<Captured> deletes = rows.stream().filter(r -> r.tx().equals(txs.get(2))).toList();
        List<Captured> keyMoves = rows.stream().filter(r -> r.tx().equals(txs.get(3))).toList();

        assertEquals(30, inserts.stream().filter(r -> r.op().equals("I")).count(), "A 30-row INSERT is captured as 30 inserts.");
        assertEquals(30, updates.size(), "A 30-row UPDATE is captured as 30 row operations.");
        for (Captured u : updates) {
            assertEquals("U", u.op(), "Each row of the UPDATE is captured as an update: " + u);
            assertEquals(u.before().get("marca"), u.after().get("marca"), "Each update pairs the before and after image of the same row: " + u);
            assertEquals("n" + u.before().get("marca"), u.after().get("nume"), "The images belong to the row they claim: " + u);
            assertEquals("MS", u.before().get("jud"), "The before image holds the old value: " + u);
            assertEquals("CJ", u.after().get("jud"), "The after image holds the new value: " + u);
        }
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L),
            deletes.stream().peek(d -> assertEquals("D", d.op(), "Each row of the DELETE is captured as a delete.")).map(d -> d.before().get("marca"))
                .collect(Collectors.toSet()), "A 20-row DELETE is captured as 20 deletes, each with its row.");
        assertEquals(Set.of(26L, 27L, 28L, 29L, 30L),
            keyMoves.stream().filter(r -> r.before() != null).map(r -> r.before().get("marca")).collect(Collectors.toSet()),
            "Every old key of a key-changing UPDATE is captured in a before image.");
        assertEquals(Set.of(1026L, 1027L, 1028L, 1029L, 1030L),
            keyMoves.stream().filter(r -> r.after() != null).map(r -> r.after().get("marca")).collect(Collectors.toSet()),
            "Every new key of a key-changing UPDATE is captured in an after image.");

        assertEquals(4, c.deliver("A", "B"), "A ships four ChangeSets.");
        assertEquals(c.data("A"), c.data("B"), "B holds exactly what A holds after the multi-row statements.");
        assertEquals(10, c.rows("B", "pers").size(), "Ten rows are left at B.");
    }

    @AllDialects
    void theFiltersVerdictIsRecordedForEachImage(Dialect dialect) {
        Cluster c = cluster(dialect, "capture_filter", PERS, TableConfig.of("pers").withFilter("jud = 'MS'"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        c.write("A", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.write("A", "UPDATE pers SET jud = 'CJ' WHERE marca = 1");
        c.write("A", "UPDATE pers SET jud = 'MS' WHERE marca = 2");
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.write("A", "DELETE FROM pers WHERE marca = 2");

        List<Captured> rows = outbox(c.sql("A"));
        assertEquals(6, rows.size(), "Every row operation is captured, matching the filter or not: " + rows);
        assertVerdict(rows.get(0), "I", false, true, "an insert of a matching row");
        assertVerdict(rows.get(1), "I", false, false, "an insert of a row outside the filter");
        assertVerdict(rows.get(2), "U", true, false, "an update that moves a row out of the filter");
        assertVerdict(rows.get(3), "U", false, true, "an update that moves a row into the filter");
        assertVerdict(rows.get(4), "D", false, false, "a delete of a row outside the filter");
        assertVerdict(rows.get(5), "D", true, false, "a delete of a matching row");

        List<ChangeSet> shipped = c.node("A").outboundFor(B, 10);
        assertEquals(List.of("insert", "none", "delete", "insert", "none", "delete"),
            shipped.stream().map(cs -> cs.changes().isEmpty() ? "none" : cs.changes().get(0).kind()).toList(),
            "The verdicts turn into the net effect the peer sees through the filter.");
        c.deliver("A", "B");
        assertEquals(0, count(c.sql("B"), "pers"), "B saw row 1 come and go and row 2 come and go through the filter.");
    }

    private static void assertVerdict(Captured row, String op, boolean beforeMatch, boolean afterMatch, String what) {
        assertEquals(op, row.op(), "The operation of " + what + " is " + op + ".");
        assertEquals(beforeMatch, row.beforeMatch(), "The before image of " + what + (beforeMatch ? " matches" : " does not match") + " the filter.");
        assertEquals(afterMatch, row.afterMatch(), "The after image of " + what + (afterMatch ? " matches" : " does not match") + " the filter.");
        assertNotEquals(null, row.tx(), "The row carries its transaction key.");
    }

    @AllDialects
    void rowsOfOneTransactionShareOneTransactionKey(Dialect dialect) {
        Cluster c = cluster(dialect, "capture_txkey", PERS, TableConfig.of("pers"));
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')",
            "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        List<Captured> rows = outbox(c.sql("A"));
        assertEquals(3, rows.size(), "Three row operations are captured.");
        assertEquals(1, rows.stream().map(Captured::tx).distinct().count(), "All row operations of one transaction share its key.");
        List<ChangeSet> shipped = c.node("A").outboundFor(B, 10);
        assertEquals(1, shipped.size(), "One transaction ships as one ChangeSet.");
        assertEquals(2, shipped.get(0).changes().size(), "Its net effect is two inserts (the update folds into the insert).");
        assertFalse(shipped.get(0).changes().stream().anyMatch(ch -> ch.kind().equals("update")), "No update is shipped for a row inserted in the same transaction.");
    }

    /**
     * Capture records the wall clock's reading of each statement, packed as Java packs it ({@code HybridTimestamp.ofMillis}),
     * on both dialects alike, and nothing else: the hybrid-clock rule is applied once, in Java, when the transaction is
     * sequenced ({@code HybridClock.stamp}), to the latest reading of its statements and the node's floor.
     */
    @AllDialects
    void captureRecordsTheWallClockReadingAndSequencingStampsTheTransaction(Dialect dialect) {
        Cluster c = cluster(dialect, "capture_wall", PERS, TableConfig.of("pers"));
        long ten = Cluster.NOON + 10_000;
        long two = Cluster.NOON + 2_000;
        c.member("A").clock().set(ten);
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.member("A").clock().set(two);
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        List<Long> readings = c.sql("A").query("SELECT \"ts\" FROM \"cv_outbox\" ORDER BY \"id\"").stream()
            .map(r -> ((Number) r.get("ts")).longValue()).toList();
        long tenPacked = dev.converge.clock.HybridTimestamp.ofMillis(ten).asLong();
        assertEquals(List.of(tenPacked, tenPacked, dev.converge.clock.HybridTimestamp.ofMillis(two).asLong()), readings,
            "Each outbox row holds the wall clock's reading of its statement, packed with counter 0.");

        // the greater of the floor applies raise and the sequencer's own
        long floor = Math.max(((Number) c.sql("A").scalar("SELECT \"floor_ts\" FROM \"cv_clock\"")).longValue(),
            ((Number) c.sql("A").scalar("SELECT \"floor_ts\" FROM \"cv_sequencer\"")).longValue());
        List<ChangeSet> shipped = c.node("A").outboundFor(B, 10);
        var first = dev.converge.clock.HybridClock.stamp(ten, dev.converge.clock.HybridTimestamp.fromLong(floor));
        var second = dev.converge.clock.HybridClock.stamp(two, first);
        assertEquals(List.of(first, second), shipped.stream().map(ChangeSet::timestamp).toList(),
            "Sequencing stamps each transaction with HybridClock.stamp(reading, floor), the floor being the stamp before.");
        assertEquals(first.next(), second, "The clock went back: the second transaction counts on from the first.");
        assertTrue(shipped.stream().allMatch(cs -> cs.changes().stream().allMatch(ch -> ch.timestamp().equals(cs.timestamp()))),
            "Every change carries its transaction's timestamp: " + shipped);
        assertEquals(second.asLong(), ((Number) c.sql("A").scalar("SELECT \"floor_ts\" FROM \"cv_sequencer\"")).longValue(),
            "The sequencer's floor is the last stamp given out.");
    }
}
