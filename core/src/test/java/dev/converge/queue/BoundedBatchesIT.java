package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.TableCatalog;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Memory does not grow with the backlog: a backlog is sequenced in passes of bounded size, and a read for a peer stops
 * once its ChangeSets hold enough row changes (always handing out at least one, however large), while every ChangeSet
 * still arrives whole and in order.
 */
class BoundedBatchesIT {
    @AllDialects
    void aBacklogLargerThanOnePassIsSequencedWholeAndInCommitOrder(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "passes", List.of("A", "B"), "CREATE TABLE item (id INT PRIMARY KEY, qty INT)",
            List.of(TableConfig.of("item")));
        int txs = OutboundQueue.TRANSACTIONS_PER_PASS + 37;
        for (int tx = 1; tx <= txs; tx++) {
            c.sql("A").execute("INSERT INTO item VALUES (" + tx + ", " + tx + ")"); // autocommit: one transaction each
        }
        List<ChangeSet> all = c.node("A").outboundFor(NodeId.of("B"), 10_000);
        assertEquals(txs, all.size(), "Every transaction of the backlog is sequenced, across several passes.");
        for (int i = 0; i < txs; i++) {
            assertEquals(i + 1, all.get(i).sequence(), "Sequences run 1, 2, 3, ... without gaps.");
            assertEquals(i + 1, ((Number) all.get(i).changes().get(0).key().values().values().iterator().next()).intValue(),
                "Transactions are sequenced in commit order.");
            if (i > 0) {
                assertEquals(1, all.get(i).timestamp().compareTo(all.get(i - 1).timestamp()), "Timestamps increase with the sequence.");
            }
        }
        c.sync();
        assertEquals(c.data("A"), c.data("B"), "B receives the whole backlog.");
    }

    @AllDialects
    void aReadStopsOnceItsChangeSetsHoldEnoughRowChanges(Dialect dialect) throws Exception {
        Cluster c = Cluster.of(dialect, "bounded_read", List.of("A", "B"), "CREATE TABLE item (id INT PRIMARY KEY, qty INT)",
            List.of(TableConfig.of("item")));
        for (int tx = 0; tx < 4; tx++) {
            int from = tx * 1500;
            c.write("A", "INSERT INTO item VALUES " + IntStream.range(from + 1, from + 1501).mapToObj(i -> "(" + i + ", 0)")
                .collect(Collectors.joining(", ")));
        }
        try (Connection conn = c.member("A").db().getConnection()) {
            conn.setAutoCommit(false);
            DSLContext ctx = DSL.using(conn, c.node("A").dialect().jooq());
            List<BoundTable> tables = TableCatalog.bind(ctx, c.node("A").config()).get();
            OutboundQueue queue = new OutboundQueue(NodeId.of("A"), tables);
            queue.sequence(ctx);
            assertEquals(List.of(1L, 2L), queue.read(ctx, 0, 100, 2000).stream().map(ChangeSet::sequence).toList(),
                "With room for 2,000 row changes, a read stops after the ChangeSet that crosses it.");
            assertEquals(List.of(3L), queue.read(ctx, 2, 100, 10).stream().map(ChangeSet::sequence).toList(),
                "A ChangeSet larger than the room is still handed out, alone.");
            assertEquals(1500, queue.read(ctx, 2, 100, 10).get(0).changes().size(), "It is handed out whole.");
            conn.rollback();
        }
    }
}
