package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.backlog.BacklogLimit;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A peer removed for good whose ChangeSets reached only some survivors: the survivors that have them keep them
 * ({@code cv_relay}) and relay them to those that lack them ({@link Node#relayTo}), so what waited on them applies,
 * everything converges, and what was kept goes once every survivor is known to have it.
 */
class DepartedRelayIT {
    static final String SCHEMA = "CREATE TABLE supplier (id INT PRIMARY KEY, name VARCHAR(40));\n"
        + "CREATE TABLE product (id INT PRIMARY KEY, supplier_id INT REFERENCES supplier(id), name VARCHAR(40), qty INT)";
    static final List<TableConfig> TABLES = List.of(TableConfig.of("supplier"), TableConfig.of("product"));
    static final NodeId A = NodeId.of("A");
    static final NodeId B = NodeId.of("B");
    static final NodeId C = NodeId.of("C");
    static final NodeId D = NodeId.of("D");

    @AllDialects
    void aSurvivorRelaysADepartedPeersWritesAndWhatWaitedOnThemApplies(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_departed", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.write("A", "INSERT INTO product VALUES (1, 1, 'from A', 0)");
        c.deliver("A", "B"); // A's writes reach B only; then A is gone for good
        c.write("B", "UPDATE product SET qty = 7 WHERE id = 1"); // depends on A's insert
        c.deliver("B", "C");
        assertEquals(0L, count(c, "C", "SELECT count(*) FROM product"), "B's update waits at C for A's insert");
        assertEquals(2, c.node("B").retained(A, 0, 10).size(), "B keeps A's two ChangeSets: C may lack them");
        assertEquals(0, c.node("B").relayTo(C, c.transport()), "Nothing is relayed while A is a member: A delivers itself");

        remove(c, A, "B", "C");
        assertEquals(2, c.node("B").relayTo(C, c.transport()), "B relays A's two ChangeSets to C");
        assertEquals(7L, count(c, "C", "SELECT qty FROM product WHERE id = 1"), "C holds A's rows and B's update that waited on them");
        assertEquals(c.data("B"), c.data("C"), "The survivors converge");
        assertTrue(c.node("C").conflicts().isEmpty(), "Nothing conflicts: " + c.node("C").conflicts());
        assertEquals(0, c.node("B").relayTo(C, c.transport()), "What C stored is not sent again");
        assertEquals(List.of(), c.node("C").retained(A, 0, 10), "C keeps nothing of A's: B, the only other survivor, depends on it");

        assertEquals(2, c.node("B").retained(A, 0, 10).size(), "B keeps A's ChangeSets until C is known to have applied them");
        c.transport().heartbeat(C, B, c.node("C").heartbeat());
        assertEquals(List.of(), c.node("B").retained(A, 0, 10), "C's heartbeat says it applied them: B lets them go");
    }

    @AllDialects
    void twoSurvivorsRelayingAtOnceApplyEachChangeSetOnce(Dialect dialect) throws Exception {
        Cluster c = Cluster.of(dialect, "relay_twice", List.of("A", "B", "C", "D"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.write("A", "INSERT INTO product VALUES (1, 1, 'from A', 0)");
        c.write("A", "UPDATE product SET name = 'renamed' WHERE id = 1");
        c.deliver("A", "B");
        c.deliver("A", "C");
        c.write("C", "UPDATE product SET qty = 3 WHERE id = 1");
        c.deliver("C", "D");
        assertEquals(0L, count(c, "D", "SELECT count(*) FROM product"), "C's update waits at D for A's ChangeSets");

        remove(c, A, "B", "C", "D");
        CompletableFuture<Integer> fromB = CompletableFuture.supplyAsync(() -> c.node("B").relayTo(D, c.transport()));
        CompletableFuture<Integer> fromC = CompletableFuture.supplyAsync(() -> c.node("C").relayTo(D, c.transport()));
        assertEquals(6, fromB.get() + fromC.get(), "Both survivors relay A's three ChangeSets");
        assertEquals(3L, count(c, "D", "SELECT qty FROM product WHERE id = 1"), "C's update applied at D after A's writes");
        assertEquals("renamed", c.sql("D").scalar("SELECT name FROM product WHERE id = 1"));
        assertTrue(c.node("D").conflicts().isEmpty(), "Each ChangeSet applied once, no conflict: " + c.node("D").conflicts());
        c.deliver("B", "D");
        c.deliver("C", "B");
        c.deliver("D", "B");
        c.deliver("D", "C");
        assertEquals(c.data("B"), c.data("D"));
        assertEquals(c.data("C"), c.data("D"));
    }

    @AllDialects
    void aSurvivorThatDroppedTheDepartedPeerFromItsConfigurationStillTakesItsChangeSets(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_unlisted", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.write("A", "INSERT INTO product VALUES (1, 1, 'from A', 0)");
        c.deliver("A", "B");
        c.write("B", "UPDATE product SET qty = 7 WHERE id = 1");
        remove(c, A, "B", "C");
        // C restarts with A's entry deleted from its file, as `peer remove` advises
        NodeConfig.Builder b = NodeConfig.builder("C").peer("B");
        TABLES.forEach(b::table);
        Node restarted = Node.open(b.build(), c.member("C").db(), c.member("C").clock());
        c.transport().register(restarted);

        c.deliver("B", "C");
        assertEquals(0L, count(c, "C", "SELECT count(*) FROM product"), "B's update, depending on A, is taken and waits at C");
        assertEquals(2, c.node("B").relayTo(C, c.transport()), "A's ChangeSets are taken too, though C no longer lists A");
        assertEquals(7L, count(c, "C", "SELECT qty FROM product WHERE id = 1"));
        assertEquals(c.data("B"), restarted.replicatedRows());
        assertTrue(restarted.conflicts().isEmpty(), "" + restarted.conflicts());
    }

    @AllDialects
    void whatIsKeptForRelayingIsBoundedByTheBacklogLimit(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_bound", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.write("A", "INSERT INTO supplier VALUES (2, 'S2')", "INSERT INTO supplier VALUES (3, 'S3')");
        c.write("A", "INSERT INTO supplier VALUES (4, 'S4')");
        c.deliver("A", "B");
        assertEquals(3, c.node("B").retained(A, 0, 10).size(), "B keeps A's three ChangeSets while C may lack them");

        c.node("B").checkBacklog(new BacklogLimit(OptionalLong.of(3), Optional.empty()));
        assertEquals(List.of(2L, 3L), c.node("B").retained(A, 0, 10).stream().map(cs -> cs.sequence()).toList(),
            "Past max_backlog_rows=3 the oldest goes: the two kept hold three changes");
        c.tick(Duration.ofHours(2).toMillis());
        c.node("B").checkBacklog(new BacklogLimit(OptionalLong.empty(), Optional.of(Duration.ofHours(1))));
        assertEquals(List.of(), c.node("B").retained(A, 0, 10), "Past max_backlog_age=1h nothing older is kept");
        assertTrue(c.node("B").standings().get(C).kept(), "C is not marked for it: it lacks nothing of B's own");
    }

    @AllDialects
    void aGapNoSurvivorKeepsIsSaidOnceAndWhatFollowsItWaitsInOrder(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_gap", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.write("A", "INSERT INTO supplier VALUES (2, 'S2')");
        c.deliver("A", "B");
        c.node("B").checkBacklog(new BacklogLimit(OptionalLong.of(1), Optional.empty()));
        assertEquals(List.of(2L), c.node("B").retained(A, 0, 10).stream().map(cs -> cs.sequence()).toList(),
            "Past max_backlog_rows=1 B keeps only A's second ChangeSet");
        remove(c, A, "B", "C");
        try (LogCapture log = LogCapture.of(Relay.class)) {
            assertEquals(1, c.node("B").relayTo(C, c.transport()), "B relays what it keeps");
            c.node("B").relayTo(C, c.transport());
            c.node("B").relayTo(C, c.transport());
            List<String> gaps = log.messages().stream().filter(m -> m.contains("lacks ChangeSets 1 to 1 of departed node A")).toList();
            assertEquals(1, gaps.size(), "The gap is said once, with the remedy: " + log.messages());
            assertTrue(gaps.get(0).contains("converge resync"), gaps.get(0));
        }
        assertEquals(0L, count(c, "C", "SELECT count(*) FROM supplier"), "A's second ChangeSet waits at C for the first, not applied out of order");
    }

    @AllDialects
    void anInstallOfVersionThreeIsUpgradedAndKeepsWhatItAppliesFromThen(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "relay_upgrade", List.of("A", "B", "C"), SCHEMA, TABLES);
        c.sql("B").execute("DROP TABLE \"cv_relay\"");
        c.sql("B").execute("UPDATE \"cv_schema\" SET \"version\" = 3");
        c.reopen("B", TABLES);
        assertEquals((long) dev.converge.install.MetadataSchema.CURRENT, count(c, "B", "SELECT \"version\" FROM \"cv_schema\""), "Opening upgrades a version 3 install to the current one");
        c.write("A", "INSERT INTO supplier VALUES (1, 'S1')");
        c.deliver("A", "B");
        assertEquals(1, c.node("B").retained(A, 0, 10).size(), "The upgraded node keeps what it applies for relaying");
    }

    /** {@code converge peer remove} of {@code peer} on every survivor. */
    private static void remove(Cluster c, NodeId peer, String... survivors) {
        for (String s : survivors) {
            assertTrue(Node.removePeer(c.node(s).config(), c.member(s).db(), peer).get(), peer + " removed at " + s);
        }
    }

    private static long count(Cluster c, String id, String sql) {
        return ((Number) c.sql(id).scalar(sql)).longValue();
    }
}
