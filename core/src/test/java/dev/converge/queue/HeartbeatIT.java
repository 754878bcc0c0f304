package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.transport.Heartbeat;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A peer that never writes sends no ChangeSet, so only its heartbeat can tell the others it has seen their deletes.
 * Tombstones counted in SQL: one stays while a peer may still send something concurrent with its delete, and goes once
 * that peer's heartbeat shows it applied the delete and everything it had sequenced then has arrived.
 */
class HeartbeatIT {
    static final String PERS = "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40))";
    static final NodeId A = NodeId.of("A");
    static final NodeId C = NodeId.of("C");

    static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B", "C"), PERS, List.of(TableConfig.of("pers")), b -> b.purgeGrace(Duration.ZERO));
    }

    static long tombstones(Cluster c, String node) {
        return ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM \"cv_shadow_pers\" WHERE \"cv_deleted\" = TRUE")).longValue();
    }

    /** A deletes a row; B writes after seeing the delete and tells A so by its ChangeSet; C only reads. */
    static void deleteSeenByAll(Cluster c) {
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.sync();
        c.tick(10);
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.deliver("A", "B");
        c.deliver("A", "C");
        c.tick(10);
        c.write("B", "INSERT INTO pers VALUES (2, 'Ana')");
        c.deliver("B", "A");
        c.deliver("B", "C");
        c.tick(10);
    }

    @AllDialects
    void aPeerThatNeverWritesReleasesTombstonesByItsHeartbeat(Dialect dialect) {
        Cluster c = cluster(dialect, "hb_release");
        deleteSeenByAll(c);
        c.node("A").purge();
        assertEquals(1, tombstones(c, "A"), "C never said it saw the delete: the tombstone stays");

        Heartbeat hb = c.node("C").heartbeat();
        assertEquals(0, hb.lastSequence());
        assertEquals(Map.of(A, 2L, NodeId.of("B"), 1L), hb.applied());
        c.node("A").receiveHeartbeat(C, hb);
        assertEquals(0, tombstones(c, "A"), "C's heartbeat shows it applied the delete");

        c.node("A").receiveHeartbeat(C, new Heartbeat(0, Map.of(A, 1L)));
        assertEquals(0, tombstones(c, "A"), "an older heartbeat arriving late takes nothing back");
    }

    @AllDialects
    void aHeartbeatFromBeforeTheDeleteKeepsTheTombstone(Dialect dialect) {
        Cluster c = cluster(dialect, "hb_before");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.sync();
        Heartbeat early = c.node("C").heartbeat();
        c.tick(10);
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.sync();
        c.node("A").receiveHeartbeat(C, early);
        c.node("A").purge();
        assertEquals(1, tombstones(c, "A"), "C's heartbeat predates the delete");
    }

    @AllDialects
    void aHeartbeatCountsOnlyOnceWhatItsSenderHadSequencedHasArrived(Dialect dialect) {
        Cluster c = cluster(dialect, "hb_pending");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion')");
        c.sync();
        c.tick(10);
        c.write("C", "UPDATE pers SET nume = 'Ioan' WHERE marca = 1"); // concurrent with A's delete, not yet sent
        c.write("A", "DELETE FROM pers WHERE marca = 1");
        c.deliver("A", "B");
        c.deliver("A", "C");
        c.tick(10);
        c.write("B", "INSERT INTO pers VALUES (2, 'Ana')");
        c.deliver("B", "A");
        Heartbeat hb = c.node("C").heartbeat();
        assertEquals(1, hb.lastSequence(), "C's update is sequenced before its heartbeat is made");
        c.node("A").receiveHeartbeat(C, hb);
        assertEquals(1, tombstones(c, "A"), "C's update is still on its way and must be judged against the tombstone");

        c.deliver("C", "A");
        c.node("A").purge();
        assertEquals(0, tombstones(c, "A"), "everything C had sequenced has arrived: its heartbeat counts");
    }

    @AllDialects
    void aHeartbeatFromANodeThatIsNotAPeerIsRefused(Dialect dialect) {
        Cluster c = cluster(dialect, "hb_stranger");
        assertThrows(MalformedChangeSetException.class, () -> c.node("A").receiveHeartbeat(NodeId.of("Z"), new Heartbeat(0, Map.of())));
        assertThrows(IllegalArgumentException.class, () -> new Heartbeat(-1, Map.of()));
    }

    /** Committed local transactions not sequenced yet, read in SQL on another connection. */
    static long unsequenced(Cluster c, String node) {
        try (java.sql.Connection conn = c.member(node).db().getConnection(); java.sql.Statement s = conn.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"cv_unsequenced\"")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AllDialects
    void aPeersHeartbeatDoesNotSequenceThisNodesBacklogInItsTrim(Dialect dialect) {
        Cluster c = cluster(dialect, "hb_no_sequencing");
        c.write("A", "INSERT INTO pers VALUES (1, 'waits for the sequencer')");

        // the first trim of a new install used to sequence everything waiting in the trim's own transaction, holding the
        // sequencer's lock until it committed (a backlog's senders and applies waited for all of it)
        c.node("A").receiveHeartbeat(C, new Heartbeat(0, Map.of()));
        assertEquals(1, unsequenced(c, "A"), "the trim after C's heartbeat sequenced nothing of A's");

        assertEquals(1, c.node("A").outboundFor(C, 10).size(), "A's own sequencing takes the waiting transaction");
        assertEquals(0, unsequenced(c, "A"), "nothing waits any more");
        c.sync();
        assertEquals(c.data("A"), c.data("C"), "C holds what A holds");
    }
}
