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
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The net effects the sequencer keeps for reading are a cache only: whatever it holds or has evicted, and whenever it
 * evicts, a ChangeSet read out to a peer carries exactly the changes its transaction made.
 */
class NetEffectCacheIT {
    @AllDialects
    void aChangeSetReadsTheSameWhateverTheCacheHolds(Dialect dialect) throws Exception {
        Cluster c = Cluster.of(dialect, "cache", List.of("A", "B"), "CREATE TABLE item (id INT PRIMARY KEY, qty INT)",
            List.of(TableConfig.of("item")));
        for (int tx = 0; tx < 30; tx++) {
            c.write("A", "INSERT INTO item VALUES (" + (2 * tx + 1) + ", " + tx + ")", "INSERT INTO item VALUES (" + (2 * tx + 2) + ", 0)",
                "UPDATE item SET qty = qty + 1 WHERE id = " + (2 * tx + 1));
        }
        List<ChangeSet> expected = c.node("A").outboundFor(NodeId.of("B"), 100);
        assertEquals(30, expected.size(), "A queued its 30 transactions.");
        assertEquals(2, expected.get(29).changes().size(), "Each transaction nets to two inserts.");

        for (long weight : List.of(0L, 1L, 40L, 200L)) {
            List<ChangeSet> read = inTransaction(c, ctx -> {
                List<BoundTable> tables = TableCatalog.bind(ctx, c.node("A").config()).get();
                OutboundQueue queue = new OutboundQueue(NodeId.of("A"), tables, weight);
                queue.sequence(ctx);
                // read twice, in overlapping windows, so that entries are put, hit and evicted between reads
                queue.read(ctx, 0, 20);
                queue.read(ctx, 10, 20);
                return queue.read(ctx, 0, 100);
            });
            assertEquals(expected, read, "With a cache of weight " + weight + " every ChangeSet carries its changes.");
        }
    }

    private static <T> T inTransaction(Cluster c, Function<DSLContext, T> work) throws Exception {
        try (Connection conn = c.member("A").db().getConnection()) {
            conn.setAutoCommit(false);
            T result = work.apply(DSL.using(conn, c.node("A").dialect().jooq()));
            conn.rollback();
            return result;
        }
    }
}
