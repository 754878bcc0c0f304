package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.PeerConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Node#replacePeers}: a node's peers change while it is open, as a running node's do when it reloads its file.
 * A and C start as strangers (A lists only B); once A lists C, C's ChangeSets are taken and A keeps its own for C;
 * once A no longer lists C, C is refused again.
 */
class NodePeersTest {
    private static final NodeId B = NodeId.of("B");
    private static final NodeId C = NodeId.of("C");

    @Test
    void aPeerAddedWhileOpenIsKnownAndOneLeftOutIsNot() {
        Node a = open("A", "B");
        Node c = open("C", "A");
        Sql.on(dbOf(c)).execute("insert into item values (1, 'written at c')");
        List<ChangeSet> fromC = c.outboundFor(NodeId.of("A"), 10);
        assertEquals(1, fromC.size());
        assertThrows(MalformedChangeSetException.class, () -> a.receive(C, fromC), "A does not know C yet");

        a.replacePeers(List.of(new PeerConfig(B, 0), new PeerConfig(C, 7)));
        assertEquals(List.of(B, C), a.peers());
        assertEquals(7, a.config().priorityOf(C), "the new peer's priority is in force");
        assertEquals(1, a.receive(C, fromC).applied(), "A applies C's ChangeSet");
        assertEquals(1L, ((Number) Sql.on(dbOf(a)).scalar("select count(*) from item")).longValue());
        Sql.on(dbOf(a)).execute("insert into item values (2, 'written at a')");
        assertEquals(1, a.outboundFor(C, 10).size(), "A keeps its own ChangeSet for C");

        a.replacePeers(List.of(new PeerConfig(B, 0)));
        assertThrows(MalformedChangeSetException.class, () -> a.outboundFor(C, 10), "C is no longer a peer of A");
    }

    @Test
    void peersThatCannotBeAreRefused() {
        Node a = open("A", "B");
        IllegalArgumentException self = assertThrows(IllegalArgumentException.class,
            () -> a.replacePeers(List.of(new PeerConfig(NodeId.of("A"), 0))));
        assertTrue(self.getMessage().contains("cannot be its own peer"), self.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
            () -> a.replacePeers(List.of(new PeerConfig(B, 0), new PeerConfig(B, 1))));
        assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
        assertEquals(List.of(B), a.peers(), "nothing changed");
    }

    private final java.util.Map<Node, DataSource> dbs = new java.util.HashMap<>();

    private Node open(String id, String... peers) {
        DataSource db = TestDatabases.fresh(Dialect.H2, "node_peers_" + id.toLowerCase() + "_" + System.nanoTime());
        Sql.on(db).execute("create table item (id int primary key, name varchar(40))");
        NodeConfig.Builder b = NodeConfig.builder(id).table("item");
        for (String p : peers) {
            b.peer(p);
        }
        Node node = Node.open(b.build(), db, TimeSource.system());
        dbs.put(node, db);
        return node;
    }

    private DataSource dbOf(Node node) {
        return dbs.get(node);
    }
}
