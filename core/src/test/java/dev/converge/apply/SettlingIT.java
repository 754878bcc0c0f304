package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.TableCatalog;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.RowImage;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultExecuteListenerProvider;

/**
 * {@link Settling} through {@link RowWriter}: the rows the target refuses among many it takes are found without a
 * statement per row, every other row is written, and each refused row carries its own reason; a transaction that tries
 * thousands of rows does not pile up savepoints (on PostgreSQL, nested subtransactions) as it goes.
 */
class SettlingIT {
    private static final int ROWS = 2_000;

    @AllDialects
    void aFewRefusedRowsAmongManyAreFoundWithoutAStatementPerRow(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "settling_few");
        inTransaction(c, (conn, ctx, statements) -> {
            BoundTable child = table(ctx, c, "child");
            List<RowWriter.Write> writes = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                writes.add(insert(child, i, i == 1234 || i == 1500 ? 99 : 1));
            }
            List<RowWriter.Rejection> refused = new RowWriter(conn, ctx).execute(writes);
            assertEquals(List.of(1234, 1500), refused.stream().map(RowWriter.Rejection::index).toList(), "only the orphans are refused");
            refused.forEach(r -> assertTrue(r.reason().toLowerCase().contains("child"), "each with the database's own reason: " + r.reason()));
            assertEquals(ROWS - 2, count(conn, "SELECT COUNT(*) FROM child"), "every other row is written");
            assertEquals(0, count(conn, "SELECT COUNT(*) FROM child WHERE parent_id = 99"));
            assertTrue(statements.get() < 200, "groups, not one statement per row: " + statements.get() + " statements for " + ROWS + " rows");
        });
    }

    @AllDialects
    void everyRowRefusedIsReportedWithItsReasonAndAnOrderIsStillFound(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "settling_all");
        inTransaction(c, (conn, ctx, statements) -> {
            BoundTable child = table(ctx, c, "child");
            BoundTable parent = table(ctx, c, "parent");
            List<RowWriter.Write> writes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                writes.add(insert(child, i, 99)); // no parent 99 anywhere: refused whatever the order
            }
            for (int i = 300; i < 600; i++) {
                writes.add(insert(child, i, 7)); // parent 7 comes after its children: an order exists
            }
            writes.add(new RowWriter.InsertRow(parent, RowImage.of(Map.of("id", 7))));
            List<RowWriter.Rejection> refused = new RowWriter(conn, ctx).execute(writes);
            assertEquals(300, refused.size(), "the orphans, each reported");
            assertEquals(java.util.stream.IntStream.range(0, 300).boxed().toList(), refused.stream().map(RowWriter.Rejection::index).toList());
            assertEquals(300, count(conn, "SELECT COUNT(*) FROM child WHERE parent_id = 7"), "the children of parent 7 follow it");
        });
    }

    @AllDialects
    void aThousandRefusedAttemptsLeaveNoSavepointBehind(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "settling_savepoints");
        inTransaction(c, (conn, ctx, statements) -> {
            BoundTable child = table(ctx, c, "child");
            List<RowWriter.Write> writes = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                writes.add(insert(child, i, i % 2 == 0 ? 99 : 1)); // every other row refused: a thousand attempts and more
            }
            assertEquals(500, new RowWriter(conn, ctx).execute(writes).size());
            SavepointTally.Counted counted = SavepointTally.Counted.of(conn);
            assertEquals(0, counted.open(), "every savepoint set is ended (a savepoint left open nests the next under it)");
            assertTrue(counted.unnamed() < 10, "the per-row attempts reuse one name (H2 keeps every name until the transaction ends): "
                + counted.unnamed() + " set without a name");
            assertEquals(500, count(conn, "SELECT COUNT(*) FROM child"));
        });
    }

    private static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B"),
            "CREATE TABLE parent (id INT PRIMARY KEY);"
                + "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES parent (id), n INT);"
                + "INSERT INTO parent (id) VALUES (1)",
            List.of(TableConfig.of("parent"), TableConfig.of("child")));
    }

    private static RowWriter.Write insert(BoundTable child, int id, int parent) {
        return new RowWriter.InsertRow(child, RowImage.of(Map.of("id", id, "parent_id", parent, "n", id)));
    }

    private static BoundTable table(DSLContext ctx, Cluster c, String name) {
        return TableCatalog.bind(ctx, c.node("A").config()).get().stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst().orElseThrow();
    }

    private static long count(Connection conn, String sql) throws Exception {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    interface Work {
        void run(Connection conn, DSLContext ctx, AtomicInteger statements) throws Exception;
    }

    /** Runs {@code work} in a transaction of node A's database, rolled back afterwards, counting jOOQ's statements. */
    private static void inTransaction(Cluster c, Work work) throws Exception {
        try (Connection conn = c.member("A").db().getConnection()) {
            conn.setAutoCommit(false);
            AtomicInteger statements = new AtomicInteger();
            ExecuteListener counting = new ExecuteListener() {
                @Override
                public void executeStart(ExecuteContext ctx) {
                    statements.incrementAndGet();
                }
            };
            Connection counted = counting(conn);
            DSLContext ctx = DSL.using(new DefaultConfiguration().set(counted).set(c.node("A").dialect().jooq())
                .set(new DefaultExecuteListenerProvider(counting)));
            try {
                work.run(counted, ctx, statements);
            } finally {
                conn.rollback();
            }
        }
    }

    /** What the code under test did with savepoints on a connection from {@link #counting}. */
    static final class SavepointTally {
        record Counted(int open, int unnamed) {
            static Counted of(Connection c) {
                Tally t = TALLIES.get(c);
                return new Counted(t.set.get() - t.ended.get(), t.unnamed.get());
            }
        }

        private record Tally(AtomicInteger set, AtomicInteger ended, AtomicInteger unnamed) {
        }

        private static final Map<Connection, Tally> TALLIES = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    }

    /**
     * {@code conn}, counting the savepoints set, set without a name, and ended: released, or rolled back to and then
     * released (a savepoint rolled back to stays open, by SQL's rule, until released).
     */
    private static Connection counting(Connection conn) {
        SavepointTally.Tally tally = new SavepointTally.Tally(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        Connection proxy = (Connection) java.lang.reflect.Proxy.newProxyInstance(SettlingIT.class.getClassLoader(), new Class<?>[] {Connection.class},
            (self, method, args) -> {
                switch (method.getName()) {
                    case "setSavepoint" -> {
                        tally.set().incrementAndGet();
                        if (args == null || args.length == 0) {
                            tally.unnamed().incrementAndGet();
                        }
                    }
                    case "releaseSavepoint" -> tally.ended().incrementAndGet();
                    default -> {
                    }
                }
                try {
                    return method.invoke(conn, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        SavepointTally.TALLIES.put(proxy, tally);
        return proxy;
    }
}
