package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.ReusingDataSource;
import dev.converge.transport.PeerUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Nodes are called from many threads at once: two peers delivering to each other never deadlock, and under writers on
 * every node with deliveries in every direction from several threads, the peers end converged with every committed
 * change present exactly once. Every wait is bounded: a deadlock fails the test instead of hanging it.
 */
class ConcurrencyIT {
    static final String SCHEMA = "CREATE TABLE hot (k INT PRIMARY KEY, v INT, who VARCHAR(8));\n"
        + "CREATE TABLE events (id BIGINT PRIMARY KEY, node VARCHAR(8), n INT)";
    static final List<TableConfig> TABLES = List.of(TableConfig.of("hot"), TableConfig.of("events"));

    @AllDialects
    void twoPeersDeliveringToEachOtherAtOnceBothFinish(Dialect dialect) throws Exception {
        Cluster c = Cluster.of(dialect, "conc_cross", List.of("A", "B"), SCHEMA, TABLES);
        for (int i = 0; i < 30; i++) {
            c.write("A", "INSERT INTO events VALUES (" + (1000 + i) + ", 'A', " + i + ")");
            c.write("B", "INSERT INTO events VALUES (" + (2000 + i) + ", 'B', " + i + ")");
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                Future<Integer> ab = pool.submit(() -> c.deliver("A", "B"));
                Future<Integer> ba = pool.submit(() -> c.deliver("B", "A"));
                assertEquals(30, ab.get(), "A delivered its 30 ChangeSets to B.");
                assertEquals(30, ba.get(), "B delivered its 30 ChangeSets to A.");
            }, "A→B and B→A at the same time must both finish");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(c.data("A"), c.data("B"), "Both hold the same rows.");
        assertEquals(60, c.rows("A", "events").size(), "Every event is on A.");
    }

    @AllDialects
    void writersAndDeliveriesInEveryDirectionEndConvergedWithEveryChangeOnce(Dialect dialect) throws Exception {
        List<String> ids = List.of("A", "B", "C");
        List<ReusingDataSource> pools = new ArrayList<>();
        Cluster c = Cluster.of(dialect, "conc_stress", ids, SCHEMA, TABLES, b -> b, db -> {
            ReusingDataSource r = new ReusingDataSource(db);
            pools.add(r);
            return r;
        });
        c.write("A", "INSERT INTO hot VALUES (1, 0, 'A'), (2, 0, 'A'), (3, 0, 'A'), (4, 0, 'A')");
        c.sync();

        AtomicBoolean stop = new AtomicBoolean();
        Map<String, AtomicInteger> committed = Map.of("A", new AtomicInteger(), "B", new AtomicInteger(), "C", new AtomicInteger());
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> tasks = new ArrayList<>();
        for (String id : ids) {
            for (int w = 0; w < 1; w++) {
                int writer = w;
                tasks.add(pool.submit(() -> write(c, id, writer, committed.get(id), stop, failures)));
            }
            for (String to : ids) {
                if (!to.equals(id)) {
                    tasks.add(pool.submit(() -> deliver(c, id, to, stop, failures)));
                }
            }
        }
        try {
            Thread.sleep(3_000);
            stop.set(true);
            long joining = System.nanoTime();
            for (Future<?> t : tasks) {
                t.get(120, TimeUnit.SECONDS); // a deadlock fails here, within a bound
            }
            System.out.printf("%s: delivery threads finished %d ms after the writers stopped%n", dialect, (System.nanoTime() - joining) / 1_000_000);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), "No thread met an unexpected failure: " + failures);
        long settling = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(120), c::sync, "The cluster settles once the load stops.");
        System.out.printf("%s: committed %s in 3 s under load; settled in %d ms%n", dialect, committed, (System.nanoTime() - settling) / 1_000_000);

        int total = committed.values().stream().mapToInt(AtomicInteger::get).sum();
        assertTrue(total > 20, "The writers committed a fair number of transactions: " + committed);
        for (String id : ids) {
            List<Map<String, Object>> events = c.sql(id).query("SELECT id FROM events");
            Set<Object> distinct = new HashSet<>();
            events.forEach(r -> distinct.add(r.values().iterator().next()));
            assertEquals(total, events.size(), id + " holds every committed event exactly once " + committed);
            assertEquals(total, distinct.size(), id + " holds no event twice.");
            List<ConflictRecord> bad = c.node(id).conflicts().stream()
                .filter(r -> r.type() == ConflictType.ERROR || r.type() == ConflictType.CONSTRAINT).toList();
            assertTrue(bad.isEmpty(), id + " recorded no error or constraint conflict: " + bad);
        }
        assertEquals(c.data("A"), c.data("B"), "A and B converged.");
        assertEquals(c.data("A"), c.data("C"), "A and C converged.");
        pools.forEach(ReusingDataSource::close);
    }

    /** A writer: small transactions that add an event and bump a hot row, until told to stop; counts what committed. */
    private static void write(Cluster c, String id, int writer, AtomicInteger committed, AtomicBoolean stop, ConcurrentLinkedQueue<Throwable> failures) {
        Random random = new Random(id.hashCode() * 31L + writer);
        long base = (id.charAt(0) * 10L + writer) * 1_000_000L;
        for (int i = 0; !stop.get(); i++) {
            int k = 1 + random.nextInt(4);
            try {
                c.sql(id).transaction("INSERT INTO events VALUES (" + (base + i) + ", '" + id + "', " + i + ")",
                    "UPDATE hot SET v = v + 1, who = '" + id + "' WHERE k = " + k);
                committed.incrementAndGet();
                Thread.sleep(10); // an OLTP pace, not a bulk load: the point is concurrency, not a backlog
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | AssertionError e) {
                // Sql reports a failed statement as an AssertionError with the SQLException as its cause; a lock timeout
                // or deadlock behind an apply is what an application retries
                if (!dev.converge.dialect.SqlFailures.isTransient(e)) {
                    failures.add(e);
                    return;
                }
            }
        }
    }

    /** A delivery loop on one link until told to stop; a busy receiver is simply tried again. */
    private static void deliver(Cluster c, String from, String to, AtomicBoolean stop, ConcurrentLinkedQueue<Throwable> failures) {
        while (!stop.get()) {
            try {
                if (c.deliver(from, to) == 0) {
                    Thread.sleep(5);
                }
            } catch (PeerUnavailableException e) {
                // the receiver stayed busy: try again, as a sender loop does
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures.add(e);
                return;
            }
        }
    }
}
