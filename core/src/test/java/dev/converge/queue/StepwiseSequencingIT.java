package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.Node;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.RecordingTransport;
import dev.converge.transport.Heartbeat;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import javax.sql.DataSource;

/**
 * Sequencing a backlog step by step ({@link Node#sequence(Runnable)}), as a running node's sequencer thread does: each
 * step commits on its own, so what it sequenced ships while the rest of the backlog is still being sequenced — a batch
 * job's first ChangeSets reach the peers before its last ones are sequenced, instead of after.
 */
class StepwiseSequencingIT {
    static final String SCHEMA = "CREATE TABLE item (id BIGINT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(40))";
    static final NodeId B = NodeId.of("B");
    /** More row operations than one step takes ({@link OutboundQueue#OPERATIONS_PER_GROUP}): three steps. */
    static final int TRANSACTIONS = 36;
    static final int ROWS = 1_000;

    static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B"), SCHEMA, List.of(TableConfig.of("item")));
    }

    /** A batch job: {@link #TRANSACTIONS} set-based transactions of {@link #ROWS} inserted rows each. */
    static void batchJob(Dialect dialect, DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (int t = 0; t < TRANSACTIONS; t++) {
                long from = (long) t * ROWS + 1;
                long to = from + ROWS - 1;
                s.execute(dialect == Dialect.POSTGRESQL
                    ? "INSERT INTO item SELECT g, (g % 97)::int, 'job' FROM generate_series(" + from + ", " + to + ") g"
                    : "INSERT INTO item SELECT x, MOD(x, 97), 'job' FROM SYSTEM_RANGE(" + from + ", " + to + ")");
            }
        }
    }

    static long[] countAndSum(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(qty), 0), COALESCE(SUM(id), 0) FROM item")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /** Committed local transactions not sequenced yet, as another connection sees them. */
    static long unsequenced(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"cv_unsequenced\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @AllDialects
    void eachStepShipsBeforeTheNextIsSequenced(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "seq_steps");
        Node a = c.node("A");
        a.publishWallClock();
        batchJob(dialect, c.member("A").db());
        RecordingTransport wire = new RecordingTransport(c.transport());

        List<Integer> shippedAfterEachStep = new ArrayList<>();
        List<Long> waitingAfterEachStep = new ArrayList<>();
        int total = a.sequence(() -> {
            try {
                waitingAfterEachStep.add(unsequenced(c.member("A").db())); // another connection: the step has committed
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            shippedAfterEachStep.add(a.deliverSequenced(B, wire));
        });

        assertEquals(TRANSACTIONS, total, "The call sequenced the whole batch job.");
        assertEquals(List.of(20L, 4L, 0L), waitingAfterEachStep,
            "Each step of at most 16,000 row operations committed on its own: another connection saw 20, then 4, then no "
                + "transactions waiting for a sequence.");
        assertEquals(List.of(16, 16, 4), shippedAfterEachStep,
            "What each step sequenced was shipped (and applied by B) before the next step ran.");
        assertEquals(LongStream.rangeClosed(1, TRANSACTIONS).boxed().toList(),
            wire.sent("A", "B").stream().map(ChangeSet::sequence).toList(), "B got sequences 1 to 36 once each, in order.");
        assertEquals(0, a.deliverSequenced(B, wire), "Nothing is left to ship.");
        long[] atA = countAndSum(c.member("A").db());
        assertEquals(TRANSACTIONS * (long) ROWS, atA[0], "A holds the batch job's rows.");
        assertEquals(java.util.Arrays.toString(atA), java.util.Arrays.toString(countAndSum(c.member("B").db())),
            "B holds the same rows as A (count, sums of qty and id, in SQL).");
    }

    @AllDialects
    void aPeersHeartbeatDoesNotSequenceThisNodesBacklog(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "seq_heartbeat");
        Node a = c.node("A");
        a.publishWallClock();
        c.write("A", "INSERT INTO item VALUES (1, 5, 'waits for the sequencer')");

        // the first trim of a new install used to sequence everything waiting, in the trim's own transaction (holding
        // the sequencer's lock until then, and shipping none of it before)
        a.receiveHeartbeat(B, new Heartbeat(0, Map.of()));
        assertEquals(1, unsequenced(c.member("A").db()), "The trim after B's heartbeat sequenced nothing of A's.");

        assertEquals(1, a.sequence(() -> { }), "A's own sequencing takes the waiting transaction.");
        assertEquals(0, unsequenced(c.member("A").db()), "Nothing waits any more.");
        c.sync();
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
    }
}
