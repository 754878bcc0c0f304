package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.testkit.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Peers compare their table rules when they connect; peers that would decide differently are refused. */
class PeerHandshakeTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void peersWhoseRulesForATableDifferAreRefusedWithBothSidesNamed() {
        try (RootLogs logs = new RootLogs();
             PeerMesh mesh = PeerMesh.of(Dialect.H2, "mismatch", List.of("a", "b"), (id, b) -> id.equals("a")
                 ? b : rebuilt(b)).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'from a', 1)");
            awaitRefusal(mesh);
            NodeStatus.PeerStatus b = mesh.running("a").status().peers().get(0);
            String said = b.lastError();
            assertTrue(said.contains("412") && said.contains("rules-differ"), "a's status gives status and reason: " + said);
            assertTrue(said.contains("a (this node) and b differ") && said.contains("filter: a has (none), b has 'qty > 0'"),
                "a's status names both sides and the filter: " + said);
            assertTrue(said.contains("resolver for update-changed-row: a has 'timestamp', b has 'site-priority'"),
                "and the resolver: " + said);
            assertEquals(Boolean.FALSE, b.reachable());
            Await.until(() -> mesh.running("b").status().peers().get(0).lastRefusal() != null, BOUND, "b's status says why it refused a");
            String refusal = mesh.running("b").status().peers().get(0).lastRefusal();
            assertTrue(refusal.contains("b (this node) and a differ") && refusal.contains("b has 'qty > 0', a has (none)"),
                "b's status names both sides: " + refusal);
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("rules-differ") && l.contains("RefusalLog")), "b logs it");
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("rules-differ") && l.contains("PeerLinks")), "a logs it");
            assertEquals(0, ((Number) mesh.sql("b").scalar("select count(*) from item")).intValue(), "nothing went to b");
        }
    }

    @Test
    void peersWithTheSameRulesInOtherWordsAgree() {
        // a says update-changed-row -> timestamp per type, b says timestamp for the table: the same decisions
        try (PeerMesh mesh = PeerMesh.of(Dialect.H2, "same", List.of("a", "b"), (id, b) -> id.equals("a")
            ? b.defaultResolver(ConflictType.UPDATE_CHANGED_ROW, ResolverSpec.TIMESTAMP) : b).startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'from a', 1)");
            mesh.awaitConverged(1, BOUND);
        }
    }

    @Test
    void aPeerConfiguredWithAnotherSecretIsRefusedAtHelloAndSaysSo() {
        try (RootLogs logs = new RootLogs();
             PeerMesh mesh = PeerMesh.of(Dialect.H2, "miskeyed", List.of("a", "b")).miskey("a", "b", "w0rng-s3cr3t-of-a-for-b").startAll()) {
            mesh.sql("a").execute("insert into item values (1, 'from a', 1)");
            awaitRefusal(mesh);
            String said = mesh.running("a").status().peers().get(0).lastError();
            assertTrue(said.contains("peer b") && said.contains("401 bad-signature"), "a's status names the peer, status and reason: " + said);
            assertEquals(0, ((Number) mesh.sql("b").scalar("select count(*) from item")).intValue(), "nothing went to b");
            logs.lines().forEach(l -> assertTrue(!l.contains("w0rng-s3cr3t") && mesh.secrets().stream().noneMatch(l::contains),
                "no secret in the log: " + l));
        }
    }

    /** Waits for a's link to b to fail on b's answer; the first attempt may come before b listens (connection refused). */
    private static void awaitRefusal(PeerMesh mesh) {
        Await.until(() -> {
            String e = mesh.running("a").status().peers().get(0).lastError();
            return e != null && !e.contains("cannot reach");
        }, BOUND, "a's status says why b refuses");
    }

    private static dev.converge.config.NodeConfig.Builder rebuilt(dev.converge.config.NodeConfig.Builder b) {
        // the mesh added item plainly; b's config replaces it with a filtered one by building a fresh builder
        dev.converge.config.NodeConfig.Builder other = dev.converge.config.NodeConfig.builder("b").peer("a");
        return other.table(TableConfig.of("item").withFilter("qty > 0").withScope(ConflictScope.ROW)
            .withResolver(ConflictType.UPDATE_CHANGED_ROW, ResolverSpec.of("site-priority")));
    }
}
