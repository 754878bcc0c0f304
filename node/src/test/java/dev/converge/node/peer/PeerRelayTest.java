package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import java.time.Duration;
import java.util.List;

/**
 * Relaying over real HTTP: x's writes reach s only (t is stopped), s writes on top of them, then x leaves for good
 * ({@code converge peer remove} on s and t). When t comes back, s relays x's ChangeSets to it by itself, t applies them
 * and s's write that waited on them, s and t agree, and each lets go of what it kept for the other.
 */
class PeerRelayTest {
    static final NodeId X = NodeId.of("x");

    private static long count(PeerMesh mesh, String node, String sql) {
        return ((Number) mesh.sql(node).scalar(sql)).longValue();
    }

    @AllDialects
    void aSurvivorRelaysADepartedPeersWritesToAnotherThatComesBack(Dialect dialect) {
        try (PeerMesh mesh = PeerMesh.of(dialect, "relay_" + dialect.name().toLowerCase(), List.of("x", "s", "t")).startAll()) {
            mesh.stop("t");
            mesh.sql("x").execute("insert into item values (1, 'from x', 1)");
            mesh.sql("x").execute("insert into item values (2, 'from x too', 1)");
            Await.until(() -> count(mesh, "s", "select count(*) from item") == 2, Duration.ofSeconds(30), "x's writes reach s");
            mesh.sql("s").execute("update item set qty = 7 where id = 1"); // depends on x's insert
            Await.until(() -> mesh.node("s").retained(X, 0, 10).size() == 2, Duration.ofSeconds(30), "s keeps x's ChangeSets for t");
            mesh.stop("x");
            assertTrue(Node.removePeer(mesh.node("s").config(), mesh.dataSource("s"), X).get(), "x removed at s while s runs");
            mesh.start("t");
            assertTrue(Node.removePeer(mesh.node("t").config(), mesh.dataSource("t"), X).get(), "x removed at t");

            Await.until(() -> mesh.items("t").equals(mesh.items("s")), Duration.ofSeconds(60),
                "s relays x's writes to t, and s's update that waited on them applies: s=" + mesh.items("s") + " t=" + mesh.items("t"));
            assertEquals(7L, count(mesh, "t", "select qty from item where id = 1"));
            assertTrue(mesh.node("t").conflicts().isEmpty(), "" + mesh.node("t").conflicts());
            Await.until(() -> mesh.node("s").retained(X, 0, 10).isEmpty(), Duration.ofSeconds(60),
                "s lets x's ChangeSets go once t's heartbeat says it applied them");
            Await.until(() -> mesh.node("t").retained(X, 0, 10).isEmpty(), Duration.ofSeconds(60),
                "t lets them go once s is known to have them");
        }
    }
}
