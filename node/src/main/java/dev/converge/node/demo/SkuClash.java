package dev.converge.node.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A unique collision on purpose, now and then: every node inserts a product with one new sku at the same moment (one
 * thread per node, released together), so each meets the others' rows with its own value of the unique
 * {@code products.sku} — a {@code constraint} conflict that {@code delta} decides by the later write, alike on every
 * node: the winner stays everywhere, the losers are removed everywhere. Random skus collide across nodes only rarely;
 * this makes sure the demo shows it.
 *
 * <p>Threading: {@link #start} starts one thread per node; {@link #stop} stops and joins them.
 */
final class SkuClash {
    private final List<DataSource> nodes;
    private final long everyMillis;
    private final AtomicInteger staged = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CyclicBarrier together;
    private final Thread[] threads;
    private volatile boolean running;

    SkuClash(List<DataSource> nodes, long everyMillis) {
        this.nodes = List.copyOf(nodes);
        this.everyMillis = everyMillis;
        this.together = new CyclicBarrier(nodes.size(), staged::incrementAndGet);
        this.threads = new Thread[nodes.size()];
    }

    void start() {
        running = true;
        for (int n = 0; n < nodes.size(); n++) {
            int node = n;
            threads[n] = new Thread(() -> clash(node), "converge-demo-clash-" + DemoFolder.NODES.get(n));
            threads[n].setDaemon(true);
            threads[n].start();
        }
    }

    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** How many skus were inserted on every node at once. */
    int staged() {
        return staged.get();
    }

    Throwable failure() {
        return failure.get();
    }

    private void clash(int node) {
        String id = DemoFolder.NODES.get(node);
        try (Connection c = nodes.get(node).getConnection();
             PreparedStatement insert = c.prepareStatement("insert into products (supplier_id, sku, name, qty, price) "
                 + "select min(id), ?, ?, 10, ? from suppliers")) {
            for (int round = 1; running; round++) {
                Thread.sleep(everyMillis);
                insert.setString(1, String.format(Locale.ROOT, "CLASH-%03d", round));
                insert.setString(2, "Clash " + round + " as written on " + id);
                insert.setBigDecimal(3, BigDecimal.valueOf(100 + node, 2));
                together.await(everyMillis * 4, TimeUnit.MILLISECONDS);
                try {
                    insert.executeUpdate();
                } catch (SQLException refused) {
                    // another node's row arrived first and took the sku here: that node's application would see this
                }
            }
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            // stopped (or another node's thread stopped first): nothing more to stage
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }
}
