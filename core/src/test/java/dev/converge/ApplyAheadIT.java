package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A delivery's next run applied ahead of the run before it, on a second connection ({@code Inbound.startAhead},
 * {@code ApplyEngine.applyRunAhead}), leaves exactly what applying the delivery's ChangeSets one at a time leaves —
 * rows, conflicts, watermark and applied log in sequence order — whether it commits, or rolls back because the run
 * before failed, a local write meets it, or its keys are the run before's. On PostgreSQL only; H2 applies in turn.
 */
class ApplyAheadIT {
    static final String T = "CREATE TABLE acc (id INT PRIMARY KEY, bal INT, note VARCHAR(20))";

    @AllDialects
    void runsOverOtherKeysOverlapAndLeaveWhatOneByOneLeaves(Dialect dialect) {
        Compared c = compared(dialect, "over", cluster -> {
            for (int tx = 0; tx < 250; tx++) { // 100 ChangeSets a group: three groups, each over other keys
                cluster.write("A", "INSERT INTO acc VALUES (" + tx + ", " + tx + ", 'n" + tx + "')");
            }
        }, 250);
        assertEquals(dialect == Dialect.POSTGRESQL ? 100 : 0, c.ahead(), "the second group went ahead of the first (on PostgreSQL)");
    }

    @AllDialects
    void runsOverTheSameKeysGoInTurn(Dialect dialect) {
        Compared c = compared(dialect, "same", cluster -> {
            cluster.write("A", "INSERT INTO acc VALUES (1, 0, 'a'), (2, 0, 'b')");
            for (int tx = 0; tx < 230; tx++) {
                cluster.write("A", "UPDATE acc SET bal = bal + 1 WHERE id = " + (1 + tx % 2));
            }
        }, 231);
        assertEquals(0, c.ahead(), "every group writes rows 1 and 2: none goes ahead");
    }

    @AllDialects
    void aRunBeforeThatFailsTakesTheOneAheadWithItAndBothAreAppliedInTurn(Dialect dialect) {
        // B alone refuses a balance over 1000: the first group's run fails whole there and is applied one by one
        Compared c = compared(dialect, "failed", "ALTER TABLE acc ADD CONSTRAINT small CHECK (bal < 1000)", cluster -> {
            for (int tx = 0; tx < 200; tx++) {
                cluster.write("A", "INSERT INTO acc VALUES (" + tx + ", " + (tx == 50 ? 5000 : tx) + ", 'n" + tx + "')");
            }
        }, 200);
        // the failed run's ChangeSets then go alone up to the refused one, and groups after it may go ahead again
        org.junit.jupiter.api.Assertions.assertTrue(c.ahead() < 100, "the group after the failed run rolled back and went in turn: " + c.ahead());
        assertEquals(1, c.conflicts().size(), "the refused row is one parked error: " + c.conflicts());
    }

    @AllDialects
    void aLocalWriteOfAKeyAheadIsJudgedAsInTurn(Dialect dialect) {
        // B changed row 150 on its own, concurrently with A's insert of it: a conflict in the group that would go ahead
        Compared c = compared(dialect, "local", cluster -> {
            for (int tx = 0; tx < 200; tx++) {
                cluster.write("A", "INSERT INTO acc VALUES (" + tx + ", " + tx + ", 'n" + tx + "')");
            }
            cluster.tick(5);
            cluster.write("B", "INSERT INTO acc VALUES (150, -1, 'local')");
        }, 200);
        assertEquals(0, c.ahead(), "a run ahead that meets a conflict rolls back and goes in turn");
        assertEquals(1, c.conflicts().size(), "the insert met B's row: " + c.conflicts());
    }

    /**
     * An application transaction on B holds a row of the first group (which the apply then waits for) and then asks for
     * a row of the group applied ahead: the group ahead gives its rows up, and the application commits, as it does when
     * the groups are applied in turn (no deadlock error chosen against it).
     */
    @Test
    void anApplicationWaitingForARowAheadIsNotMadeADeadlockVictim() throws Exception {
        Cluster c = Cluster.of(Dialect.POSTGRESQL, "ahead_victim", List.of("A", "B"), T, List.of(TableConfig.of("acc")));
        StringBuilder rows = new StringBuilder("INSERT INTO acc VALUES ");
        for (int i = 0; i < 200; i++) {
            rows.append(i == 0 ? "" : ", ").append("(").append(i).append(", 0, 'init')");
        }
        c.write("A", rows.toString());
        c.write("B", "INSERT INTO acc VALUES (-2, 0, 'b')");
        c.sync();
        for (int tx = 0; tx < 200; tx++) {
            c.write("A", "UPDATE acc SET note = 'A" + tx + "' WHERE id = " + tx);
        }
        List<ChangeSet> batch = c.node("A").outboundFor(NodeId.of("B"), 1_000);
        try (java.sql.Connection app = c.member("B").db().getConnection(); java.sql.Statement st = app.createStatement()) {
            app.setAutoCommit(false);
            st.executeUpdate("UPDATE acc SET bal = bal + 1 WHERE id = 50");
            java.util.concurrent.CompletableFuture<Integer> receiving = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> c.node("B").receive(NodeId.of("A"), batch).applied());
            Thread.sleep(1_500); // the first group waits for row 50; the second went ahead and holds row 150
            String outcome;
            try {
                st.executeUpdate("UPDATE acc SET bal = bal + 1 WHERE id = 150");
                app.commit();
                outcome = "committed";
            } catch (java.sql.SQLException e) {
                app.rollback();
                outcome = e.getSQLState() + " " + e.getMessage();
            }
            assertEquals("committed", outcome, "the application's transaction");
            assertEquals(200, receiving.get(60, java.util.concurrent.TimeUnit.SECONDS), "and then the whole batch is applied");
        }
        assertEquals(List.of("50", "150"), c.node("B").conflicts().stream().map(r -> r.key().orElseThrow().values().values().iterator().next().toString()).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList(),
            "the application's two updates were concurrent with A's: each met as a conflict, as in turn");
        c.sync();
        assertEquals(rows(c, "A"), rows(c, "B"), "A and B converge");
    }

    /**
     * A trigger of B's own on the table sees the rows as applied in turn: a rule it enforces over other rows (a note
     * taken, ignoring case) refuses the same row as one by one, and an audit it keeps lists the rows in sequence order.
     */
    @Test
    void aTableWithTriggersOfItsOwnIsAppliedInTurn() {
        Map<String, Object> seen = new java.util.LinkedHashMap<>();
        for (boolean batched : new boolean[] {false, true}) {
            Cluster c = Cluster.of(Dialect.POSTGRESQL, "ahead_trigger_" + batched, List.of("A", "B"), T, List.of(TableConfig.of("acc")));
            c.sql("B").execute("CREATE TABLE audit (n BIGSERIAL PRIMARY KEY, id INT)",
                "CREATE FUNCTION rule_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.id = 60 THEN PERFORM pg_sleep(0.3); END IF; "
                    + "IF EXISTS (SELECT 1 FROM acc WHERE lower(note) = lower(NEW.note) AND id <> NEW.id) THEN "
                    + "RAISE EXCEPTION 'note % taken', NEW.note USING ERRCODE = 'check_violation'; END IF; "
                    + "INSERT INTO audit (id) VALUES (NEW.id); RETURN NEW; END $$",
                "CREATE TRIGGER rule_t BEFORE INSERT OR UPDATE ON acc FOR EACH ROW EXECUTE FUNCTION rule_f()");
            c.write("A", "INSERT INTO acc VALUES (-1, 0, 'first')");
            c.write("B", "INSERT INTO acc VALUES (-2, 0, 'second')");
            c.sync();
            for (int tx = 0; tx < 200; tx++) {
                c.write("A", "INSERT INTO acc VALUES (" + tx + ", " + tx + ", '" + (tx == 50 ? "dup" : tx == 150 ? "DUP" : "n" + tx) + "')");
            }
            List<ChangeSet> all = c.node("A").outboundFor(NodeId.of("B"), 1_000);
            long before = c.node("B").appliedAhead();
            if (batched) {
                c.node("B").receive(NodeId.of("A"), all);
            } else {
                all.forEach(cs -> c.node("B").receive(NodeId.of("A"), List.of(cs)));
            }
            assertEquals(0, c.node("B").appliedAhead() - before, "nothing went ahead");
            seen.put("rows " + batched, c.sql("B").query("SELECT id, note FROM acc WHERE lower(note) = 'dup' ORDER BY id"));
            seen.put("conflicts " + batched, c.node("B").conflicts().size());
            List<Object> audit = c.sql("B").query("SELECT id FROM audit WHERE id >= 0 ORDER BY n").stream()
                .map(r -> r.values().iterator().next()).toList();
            assertEquals(audit.stream().sorted().toList(), audit, "the audit lists the rows in sequence order");
        }
        assertEquals(seen.get("rows false"), seen.get("rows true"), "the same rows either way " + seen);
        assertEquals(seen.get("conflicts false"), seen.get("conflicts true"), "the same conflicts either way " + seen);
    }

    /**
     * Runs {@code history} on two fresh clusters, delivers A's ChangeSets to B as one batch in one and one at a time in
     * the other, and asserts, in SQL, that B ends the same in both: rows, conflicts, watermark, and an applied log that
     * holds each of A's ChangeSets once, in sequence order.
     */
    private static Compared compared(Dialect dialect, String name, java.util.function.Consumer<Cluster> history, int changeSets) {
        return compared(dialect, name, null, history, changeSets);
    }

    /** As above, with {@code onB} run at B first (B then refuses what A keeps: A and B are not compared). */
    private static Compared compared(Dialect dialect, String name, String onB, java.util.function.Consumer<Cluster> history, int changeSets) {
        Cluster batched = Cluster.of(dialect, "ahead_" + name, List.of("A", "B"), T, List.of(TableConfig.of("acc")));
        Cluster oneByOne = Cluster.of(dialect, "turn_" + name, List.of("A", "B"), T, List.of(TableConfig.of("acc")));
        for (Cluster c : List.of(batched, oneByOne)) {
            if (onB != null) {
                c.sql("B").execute(onB);
            }
            // a first exchange, so that each node has sequenced once (until then it does not know that nothing waits)
            c.write("A", "INSERT INTO acc VALUES (-1, 0, 'first')");
            c.write("B", "INSERT INTO acc VALUES (-2, 0, 'first')");
            c.sync();
            history.accept(c);
        }
        List<ChangeSet> batch = batched.node("A").outboundFor(NodeId.of("B"), 1_000);
        assertEquals(changeSets, batch.size(), "A's transactions travel in one batch");
        long before = batched.node("B").appliedAhead();
        assertEquals(changeSets, batched.node("B").receive(NodeId.of("A"), batch).applied(), "the batch is applied at once");
        long ahead = batched.node("B").appliedAhead() - before;
        for (ChangeSet cs : oneByOne.node("A").outboundFor(NodeId.of("B"), 1_000)) {
            oneByOne.node("B").receive(NodeId.of("A"), List.of(cs));
        }
        assertEquals(rows(oneByOne), rows(batched), "B holds the same rows either way");
        assertEquals(describe(oneByOne), describe(batched), "B records the same conflicts either way");
        List<Object> log = batched.sql("B").query("SELECT \"seq\" AS s FROM \"cv_applied_log\" WHERE \"origin\" = 'A' ORDER BY \"applied_n\"")
            .stream().map(r -> (Object) ((Number) r.values().iterator().next()).longValue()).toList();
        long last = batch.get(batch.size() - 1).sequence();
        List<Object> expected = new ArrayList<>();
        for (long seq = 1; seq <= last; seq++) {
            expected.add(seq);
        }
        assertEquals(expected, log, "each ChangeSet applied once, in sequence order");
        assertEquals(last, ((Number) batched.sql("B").scalar("SELECT \"seq\" FROM \"cv_applied\" WHERE \"origin\" = 'A'")).longValue(),
            "B's watermark for A");
        if (onB == null) {
            batched.sync();
            assertEquals(rows(batched, "A"), rows(batched, "B"), "A and B converge");
        }
        return new Compared(ahead, describe(batched));
    }

    /** How many ChangeSets went ahead, and B's conflicts. */
    private record Compared(long ahead, List<String> conflicts) {
    }

    private static List<Map<String, Object>> rows(Cluster c) {
        return rows(c, "B");
    }

    private static List<Map<String, Object>> rows(Cluster c, String node) {
        return c.sql(node).query("SELECT id, bal, note FROM acc ORDER BY id");
    }

    private static List<String> describe(Cluster c) {
        return c.node("B").conflicts().stream().map(ApplyAheadIT::describe).sorted().toList();
    }

    private static String describe(ConflictRecord r) {
        return r.type() + " " + r.key() + " " + r.outcome() + " " + r.status() + " local " + r.localImage() + " remote " + r.remoteImage();
    }
}
