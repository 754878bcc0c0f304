package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.batch_size} ({@link NodeConfig.Builder#deliveryBatch}): a node sends a peer at most that many ChangeSets
 * per transport call, and every ChangeSet still arrives, once, in order.
 */
class DeliveryBatchTest {
    @Test
    void aPeerIsSentAtMostTheBatchPerCall() {
        DataSource aDb = database("a");
        DataSource bDb = database("b");
        try (Node a = Node.open(NodeConfig.builder("A").peer("B").table("item").deliveryBatch(2).build(), aDb, TimeSource.system());
             Node b = Node.open(NodeConfig.builder("B").peer("A").table("item").build(), bDb, TimeSource.system())) {
            sendInBatches(a, b, aDb, bDb);
        }
    }

    private static void sendInBatches(Node a, Node b, DataSource aDb, DataSource bDb) {
        for (int i = 1; i <= 5; i++) {
            Sql.on(aDb).execute("insert into item values (" + i + ", 'row " + i + "')");
        }
        List<Integer> sizes = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        int sent = a.deliverTo(NodeId.of("B"), (from, to, batch) -> {
            sizes.add(batch.size());
            batch.forEach(cs -> sequences.add(cs.sequence()));
            return b.receive(from, batch);
        });
        assertEquals(5, sent);
        assertEquals(List.of(2, 2, 1), sizes, "five ChangeSets in calls of at most two");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), sequences, "in order, each once");
        assertEquals(5L, ((Number) Sql.on(bDb).scalar("select count(*) from item")).longValue());
        assertEquals(List.<ChangeSet>of(), a.outboundFor(NodeId.of("B"), 10), "everything acknowledged");
    }

    /**
     * A batch job commits while the node delivers (and sequences what waits while each batch is in flight): every
     * ChangeSet still arrives once, in order, and a delivery that returns has sent everything committed before it began.
     */
    @dev.converge.testkit.AllDialects
    void whatCommitsDuringADeliveryArrivesOnceInOrder(Dialect dialect) throws Exception {
        DataSource aDb = database(dialect, "a");
        DataSource bDb = database(dialect, "b");
        try (Node a = Node.open(NodeConfig.builder("A").peer("B").table("item").deliveryBatch(3).build(), aDb, TimeSource.system());
             Node b = Node.open(NodeConfig.builder("B").peer("A").table("item").build(), bDb, TimeSource.system())) {
            int transactions = 120;
            java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= transactions; i++) {
                    Sql.on(aDb).execute("insert into item values (" + i + ", 'row " + i + "')");
                }
            });
            List<Long> sequences = new java.util.concurrent.CopyOnWriteArrayList<>();
            dev.converge.transport.Transport transport = (from, to, batch) -> {
                batch.forEach(cs -> sequences.add(cs.sequence()));
                return b.receive(from, batch);
            };
            while (!writer.isDone()) {
                a.deliverTo(NodeId.of("B"), transport);
            }
            writer.get();
            a.deliverTo(NodeId.of("B"), transport); // began after the last commit: sends the rest
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= transactions; i++) {
                expected.add(i);
            }
            assertEquals(expected, sequences, "every ChangeSet once, in order");
            assertEquals((long) transactions, ((Number) Sql.on(bDb).scalar("select count(*) from item")).longValue());
            assertEquals(List.<ChangeSet>of(), a.outboundFor(NodeId.of("B"), 10), "everything acknowledged");
        }
    }

    @Test
    void aBatchOfNothingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NodeConfig.builder("A").deliveryBatch(0).build());
        assertEquals("the delivery batch must hold at least 1 ChangeSet, not 0", e.getMessage());
    }

    private static DataSource database(String name) {
        return database(Dialect.H2, name);
    }

    private static DataSource database(Dialect dialect, String name) {
        DataSource db = TestDatabases.fresh(dialect, "delivery_batch_" + name + "_" + System.nanoTime());
        Sql.on(db).execute("create table item (id int primary key, name varchar(40))");
        return db;
    }
}
