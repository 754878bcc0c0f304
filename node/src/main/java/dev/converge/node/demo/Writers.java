package dev.converge.node.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The application side of the demo: {@code perNode} threads on every node, each on a connection of its own, writing
 * small transactions as fast as they can until told to stop. Each thread draws from a {@link Random} seeded from the
 * demo's seed, its node and its number, a mix that makes the peers meet each other's writes:
 * <ul>
 *   <li>30 % changes of the hot products (the first {@code hot} of the seed): mostly stock moved from one to another,
 *       sometimes a new price or name; every node changes the same rows at once (update-changed-row, merged by
 *       {@code delta});
 *   <li>25 % one to three new products with random skus (a sku already taken here is refused by the unique index and
 *       the transaction rolled back, as it would be for any application);
 *   <li>10 % an order: a new product and a stock movement of a hot one, in one transaction;
 *   <li>10 % deletes and 10 % price changes of other products, chosen at random among the same rows on every node
 *       (delete-changed-row, update-missing-row, delete-missing-row);
 *   <li>10 % a supplier moves to another city (update-changed-row, decided by the later write), 5 % a new supplier.
 * </ul>
 * No supplier is ever deleted (see {@link SampleSchema}). A transaction the database refuses (a duplicate sku, a lock
 * timeout or deadlock with another writer or with the apply) is rolled back and counted by SQL state.
 *
 * <p>Threading: {@link #start} starts the threads, {@link #stop} asks them to finish their transaction and joins them;
 * the counters may be read from any thread at any time.
 */
final class Writers {
    /** What one node's writers did so far. Thread-safe. */
    static final class Counts {
        final AtomicLong commits = new AtomicLong();
        final AtomicLong rowChanges = new AtomicLong();
        final AtomicLong rolledBack = new AtomicLong();
    }

    private final List<DataSource> nodes;
    private final int perNode;
    private final long seed;
    private final List<Long> hot;
    private final long pauseMillis;
    private final List<Counts> counts = new ArrayList<>();
    /** Rolled-back transactions by SQL state, with the first message seen for each. */
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final Map<String, String> refusalMessages = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param nodes each node's database, in node order
     * @param hot the keys of the products every node keeps changing
     * @param pauseMillis the mean pause of a writer after each commit (a user's think time, drawn from half to one and
     *     a half of it), which keeps the write rate within what the mesh replicates while the demo watches
     */
    Writers(List<DataSource> nodes, int perNode, long seed, List<Long> hot, long pauseMillis) {
        this.pauseMillis = pauseMillis;
        this.nodes = List.copyOf(nodes);
        this.perNode = perNode;
        this.seed = seed;
        this.hot = List.copyOf(hot);
        nodes.forEach(n -> counts.add(new Counts()));
    }

    void start() {
        running = true;
        for (int n = 0; n < nodes.size(); n++) {
            for (int t = 0; t < perNode; t++) {
                int node = n;
                Random random = new Random(seed * 1_000_003L + node * 101L + t);
                Thread thread = new Thread(() -> write(node, random), "converge-demo-writer-" + DemoFolder.NODES.get(n) + "-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }
    }

    /** Asks every writer to stop after its current transaction and waits for all of them. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    Counts counts(int node) {
        return counts.get(node);
    }

    /** The first failure that stopped a writer other than a refused transaction, if any. */
    Throwable failure() {
        return failure.get();
    }

    /** Rolled-back transactions by SQL state: {@code "23505 (refused: ...)" -> count}, sorted. */
    Map<String, Long> refusals() {
        Map<String, Long> out = new TreeMap<>();
        refusals.forEach((state, n) -> out.put(state + " " + refusalMessages.get(state), n.get()));
        return out;
    }

    private void write(int node, Random random) {
        try (Connection c = nodes.get(node).getConnection()) {
            c.setAutoCommit(false);
            Transactions tx = new Transactions(c, random, hot);
            while (running) {
                try {
                    int rows = tx.next();
                    c.commit();
                    counts.get(node).commits.incrementAndGet();
                    counts.get(node).rowChanges.addAndGet(rows);
                    pause(random);
                } catch (SQLException e) {
                    c.rollback();
                    counts.get(node).rolledBack.incrementAndGet();
                    String state = String.valueOf(e.getSQLState());
                    refusals.computeIfAbsent(state, s -> new AtomicLong()).incrementAndGet();
                    refusalMessages.putIfAbsent(state, firstLine(e.getMessage()));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pause(Random random) throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis / 2 + (long) (random.nextDouble() * pauseMillis));
        }
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message;
        int end = m.indexOf('\n');
        m = end < 0 ? m : m.substring(0, end);
        return m.length() > 100 ? m.substring(0, 100) + "..." : m;
    }

    /** One writer's statements on its connection, and the choice of the next transaction. Single-threaded. */
    private static final class Transactions {
        private final Connection c;
        private final Random random;
        private final List<Long> hot;
        private final long hotMax;
        private final PreparedStatement move;
        private final PreparedStatement reprice;
        private final PreparedStatement rename;
        private final PreparedStatement addProduct;
        private final PreparedStatement deleteOther;
        private final PreparedStatement repriceOther;
        private final PreparedStatement moveSupplier;
        private final PreparedStatement addSupplier;
        private List<Long> suppliers;
        private long maxProduct;
        private int done;

        Transactions(Connection c, Random random, List<Long> hot) throws SQLException {
            this.c = c;
            this.random = random;
            this.hot = hot;
            this.hotMax = hot.stream().mapToLong(Long::longValue).max().orElse(0);
            move = c.prepareStatement("update products set qty = qty + ? where id = ?");
            reprice = c.prepareStatement("update products set qty = qty + ?, price = ? where id = ?");
            rename = c.prepareStatement("update products set name = ? where id = ?");
            addProduct = c.prepareStatement("insert into products (supplier_id, sku, name, qty, price) values (?, ?, ?, ?, ?)");
            // "another product": the first one from a random point on, so that every node picks among the same rows
            String other = "(select min(id) from products where id >= ? and id > " + hotMax + ")";
            deleteOther = c.prepareStatement("delete from products where id = " + other);
            repriceOther = c.prepareStatement("update products set price = ? where id = " + other);
            moveSupplier = c.prepareStatement("update suppliers set city = ? where id = ?");
            addSupplier = c.prepareStatement("insert into suppliers (name, city) values (?, ?)");
            refresh();
        }

        /** Runs the statements of one transaction (the caller commits) and returns how many rows they changed. */
        int next() throws SQLException {
            if (++done % 100 == 0) {
                refresh();
            }
            int dice = random.nextInt(100);
            if (dice < 30) {
                return hotChange();
            } else if (dice < 55) {
                int rows = 0;
                for (int i = random.nextInt(3); i >= 0; i--) {
                    rows += addProduct();
                }
                return rows;
            } else if (dice < 65) {
                return addProduct() + stockMove(-1 - random.nextInt(3));
            } else if (dice < 75) {
                deleteOther.setLong(1, otherProduct());
                return deleteOther.executeUpdate();
            } else if (dice < 85) {
                repriceOther.setBigDecimal(1, price());
                repriceOther.setLong(2, otherProduct());
                return repriceOther.executeUpdate();
            } else if (dice < 95) {
                moveSupplier.setString(1, SampleSchema.CITIES.get(random.nextInt(SampleSchema.CITIES.size())));
                moveSupplier.setLong(2, suppliers.get(random.nextInt(suppliers.size())));
                return moveSupplier.executeUpdate();
            } else {
                addSupplier.setString(1, "Supplier " + Long.toString(random.nextLong() & 0xffffffL, 36).toUpperCase(Locale.ROOT));
                addSupplier.setString(2, SampleSchema.CITIES.get(random.nextInt(SampleSchema.CITIES.size())));
                return addSupplier.executeUpdate();
            }
        }

        private int hotChange() throws SQLException {
            int kind = random.nextInt(10);
            if (kind < 7) {
                int delta = 1 + random.nextInt(5); // stock moved from one hot product to another: two rows
                return stockMove(-delta) + stockMove(delta);
            } else if (kind < 9) {
                reprice.setInt(1, random.nextInt(11) - 5);
                reprice.setBigDecimal(2, price());
                reprice.setLong(3, hotProduct());
                return reprice.executeUpdate();
            }
            rename.setString(1, "Product " + Long.toString(random.nextLong() & 0xffffffL, 36));
            rename.setLong(2, hotProduct());
            return rename.executeUpdate();
        }

        private int stockMove(int delta) throws SQLException {
            move.setInt(1, delta);
            move.setLong(2, hotProduct());
            return move.executeUpdate();
        }

        private int addProduct() throws SQLException {
            addProduct.setLong(1, suppliers.get(random.nextInt(suppliers.size())));
            addProduct.setString(2, String.format(Locale.ROOT, "SKU-%05d", random.nextInt(100_000)));
            addProduct.setString(3, "Product " + Long.toString(random.nextLong() & 0xffffffL, 36));
            addProduct.setInt(4, random.nextInt(200));
            addProduct.setBigDecimal(5, price());
            return addProduct.executeUpdate();
        }

        private long hotProduct() {
            return hot.get(random.nextInt(hot.size()));
        }

        private long otherProduct() {
            return hotMax + 1 + (long) (random.nextDouble() * Math.max(1, maxProduct - hotMax));
        }

        private BigDecimal price() {
            return BigDecimal.valueOf(100 + random.nextInt(9_900), 2);
        }

        /** Reads the suppliers (none is ever deleted, so each stays a valid parent) and the highest product key again. */
        private void refresh() throws SQLException {
            suppliers = SampleSchema.ids(c, "suppliers");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select max(id) from products")) {
                rs.next();
                maxProduct = Math.max(hotMax, rs.getLong(1));
            }
            c.commit();
        }
    }
}
