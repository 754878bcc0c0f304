package dev.converge.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.RecordingTransport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The outbound sequencer under real concurrency: transactions that begin in one order and commit in another, and many
 * writers committing while sequencing passes run. Every committed transaction gets exactly one sequence number, in
 * commit order, without gaps, and none is skipped because it was still open when a pass ran.
 */
class SequencingIT {
    static final String SCHEMA = """
        CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2));
        CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL);
        INSERT INTO counter VALUES (1, 0)""";
    static final NodeId B = NodeId.of("B");

    static Cluster cluster(Dialect dialect, String name) {
        return Cluster.of(dialect, name, List.of("A", "B"), SCHEMA, List.of(TableConfig.of("pers"), TableConfig.of("counter")));
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static Set<Long> keys(ChangeSet cs, String table) {
        return cs.changes().stream().filter(ch -> ch.table().equalsIgnoreCase(table))
            .map(ch -> ((Number) ch.key().values().values().iterator().next()).longValue()).collect(Collectors.toCollection(TreeSet::new));
    }

    @AllDialects
    void aTransactionThatBeganFirstButCommitsLastIsSequencedAfterAndNeverSkipped(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "seq_interleaved");
        Node a = c.node("A");
        RecordingTransport wire = new RecordingTransport(c.transport());
        a.publishWallClock();
        try (Connection t1 = c.member("A").db().getConnection(); Connection t2 = c.member("A").db().getConnection()) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            execute(t1, "INSERT INTO pers VALUES (1, 'first to begin', 'MS')");
            execute(t2, "INSERT INTO pers VALUES (2, 'first to commit', 'CJ')");
            t2.commit();

            List<ChangeSet> between = a.outboundFor(B, 10);
            assertEquals(1, between.size(), "A pass between the two commits sees only the committed transaction: " + between);
            assertEquals(Set.of(2L), keys(between.get(0), "pers"), "The committed transaction T2 ships first.");
            assertEquals(1, a.deliverTo(B, wire), "T2 is delivered to B while T1 is still open.");

            t1.commit();
        }
        assertEquals(1, a.deliverTo(B, wire), "T1 is delivered once it commits: the earlier pass did not skip it.");
        List<ChangeSet> sent = wire.sent("A", "B");
        assertEquals(List.of(1L, 2L), sent.stream().map(ChangeSet::sequence).toList(), "B was sent sequences 1 and 2, gapless.");
        assertEquals(List.of(Set.of(2L), Set.of(1L)), sent.stream().map(cs -> keys(cs, "pers")).toList(),
            "B was sent T2 then T1: commit order, not begin order.");
        assertEquals(c.data("A"), c.data("B"), "B holds both rows.");
        assertTrue(c.node("B").conflicts().isEmpty(), "Neither transaction met a conflict at B.");
    }

    @AllDialects
    void aCommitThatLeavesTheCaptureMarkWhereItWasIsStillSeenWaiting(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "seq_mark");
        Node a = c.node("A");
        a.publishWallClock();
        assertTrue(!a.localCommitsWaiting(), "nothing waits on a new node");
        try (Connection t1 = c.member("A").db().getConnection(); Connection t2 = c.member("A").db().getConnection()) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            execute(t1, "INSERT INTO pers VALUES (1, 'writes first', 'MS')");
            execute(t2, "INSERT INTO pers VALUES (2, 'commits first', 'CJ')");
            t2.commit();
            assertTrue(a.localCommitsWaiting(), "T2 committed and waits to be sequenced");
            assertEquals(1, a.outboundFor(B, 10).size(), "a sender takes T2");
            assertTrue(!a.localCommitsWaiting(), "nothing waits once T2 is sequenced");
            long mark = a.captureMark();

            t1.commit();
            assertEquals(mark, a.captureMark(), "T1 wrote before T2, so its commit leaves the capture mark where it was");
            assertTrue(a.localCommitsWaiting(), "but T1 is seen waiting, so a sender does not wait a second for it");
        }
        assertEquals(2, a.deliverTo(B, c.transport()), "T2 and T1 ship");
        assertTrue(!a.localCommitsWaiting(), "and nothing waits any more");
    }

    @AllDialects
    void withoutAPassBetweenCommitsTheLastWriteDecidesAndBothShipOnce(Dialect dialect) throws SQLException {
        Cluster c = cluster(dialect, "seq_last_write");
        Node a = c.node("A");
        a.publishWallClock();
        try (Connection t1 = c.member("A").db().getConnection(); Connection t2 = c.member("A").db().getConnection()) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            execute(t1, "INSERT INTO pers VALUES (1, 'T1', 'MS')");
            execute(t2, "INSERT INTO pers VALUES (2, 'T2', 'CJ')");
            t2.commit();
            execute(t1, "UPDATE counter SET n = n + 1 WHERE id = 1");
            t1.commit();
        }
        List<ChangeSet> queued = a.outboundFor(B, 10);
        assertEquals(List.of(1L, 2L), queued.stream().map(ChangeSet::sequence).toList(), "Two transactions get sequences 1 and 2.");
        assertEquals(List.of(Set.of(2L), Set.of(1L)), queued.stream().map(cs -> keys(cs, "pers")).toList(),
            "T1, which wrote last and committed last, comes after T2.");
        assertEquals(2, a.outboundFor(B, 10).size(), "Sequencing again gives no transaction a second number.");
        c.sync();
        assertEquals(c.data("A"), c.data("B"), "B holds what A holds.");
    }

    @AllDialects
    void concurrentWritersGetGaplessSequencesInCommitOrder(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "seq_concurrent");
        Node a = c.node("A");
        a.publishWallClock();
        int threads = 4;
        int perThread = 25;
        int total = threads * perThread;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch sequencing = new CountDownLatch(1); // the writers start once the sequencer runs: they must overlap
        CountDownLatch done = new CountDownLatch(threads);
        // halfway, each writer waits for a second sequencing pass, so that one surely runs among the writes even on a
        // machine so loaded that the first pass would otherwise outlast every writer
        java.util.concurrent.atomic.AtomicInteger passesDone = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    try (Connection conn = c.member("A").db().getConnection()) {
                        conn.setAutoCommit(false);
                        start.await();
                        sequencing.await();
                        for (int i = 0; i < perThread; i++) {
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                            while (i == perThread / 2 && passesDone.get() < 2 && System.nanoTime() < deadline) {
                                Thread.sleep(1);
                            }
                            int key = thread * 1000 + i;
                            execute(conn, "INSERT INTO pers VALUES (" + key + ", 'w" + thread + "', 'MS')");
                            execute(conn, "UPDATE counter SET n = n + 1 WHERE id = 1");
                            conn.commit();
                        }
                    } finally {
                        done.countDown();
                    }
                    return null;
                }));
            }
            Future<Integer> sequencer = pool.submit(() -> {
                int passes = 0;
                start.await();
                do {
                    a.outboundFor(B, 1);
                    passes++;
                    passesDone.incrementAndGet();
                    sequencing.countDown();
                } while (done.getCount() > 0);
                return passes;
            });
            start.countDown();
            assertTrue(done.await(120, TimeUnit.SECONDS), "The writers finish within two minutes.");
            for (Future<?> w : writers) {
                w.get(10, TimeUnit.SECONDS);
            }
            assertTrue(sequencer.get(10, TimeUnit.SECONDS) > 1, "Sequencing passes ran while the writers were writing.");
        } finally {
            pool.shutdownNow();
        }

        List<ChangeSet> queued = a.outboundFor(B, 10 * total);
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), queued.stream().map(ChangeSet::sequence).toList(),
            "The " + total + " transactions have sequences 1.." + total + ", each once, without gaps.");
        for (ChangeSet cs : queued) {
            Change bump = cs.changes().stream().filter(ch -> ch.table().equalsIgnoreCase("counter")).findFirst().orElseThrow(
                () -> new AssertionError("ChangeSet " + cs.id() + " carries its counter update"));
            assertEquals(cs.sequence(), ((Number) bump.after().orElseThrow().get("n")).longValue(),
                "The transaction with sequence " + cs.sequence() + " is the one that set the counter to " + cs.sequence()
                    + ": sequence order is commit order.");
        }
        assertEquals(total, queued.stream().mapToInt(cs -> keys(cs, "pers").size()).sum(), "Every inserted row is in exactly one ChangeSet.");

        RecordingTransport wire = new RecordingTransport(c.transport());
        assertEquals(total, a.deliverTo(B, wire), "Every ChangeSet is delivered to B.");
        Map<String, ?> atA = c.data("A");
        assertEquals(atA, c.data("B"), "B holds exactly the rows A holds.");
        assertEquals(total, ((Number) c.sql("B").scalar("SELECT n FROM counter WHERE id = 1")).intValue(),
            "B's counter reached " + total + ": no increment was applied out of order, lost or doubled.");
        assertEquals(total, ((Number) c.sql("B").scalar("SELECT count(*) FROM pers")).intValue(), "B holds all " + total + " rows.");
        assertTrue(c.node("B").conflicts().isEmpty(), "Applying one origin's transactions in sequence meets no conflict.");
    }

    /**
     * A writer that never stops does not keep one sequencing call going: the call takes what was committed when it
     * looked and returns, so what it sequenced ships — and an apply, which waits for the clock row the sequencer holds,
     * goes on — while the writer writes. (A call used to chase the writer until it stopped: with pgbench-like load on
     * three peers nothing was applied anywhere until the load ended.)
     */
    @AllDialects
    void sequencingReturnsWhileAWriterKeepsCommitting(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "seq_chase");
        Node a = c.node("A");
        a.publishWallClock();
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger committed = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = pool.submit(() -> {
                try (Connection w = c.member("A").db().getConnection()) {
                    for (int i = 1; writing.get(); i++) {
                        execute(w, "INSERT INTO pers VALUES (" + i + ", 'row " + i + "', 'MS')");
                        committed.incrementAndGet();
                        // about a commit every half millisecond: faster than a sequencing pass runs, slower than sequencing
                        // in passes can keep up with
                        java.util.concurrent.locks.LockSupport.parkNanos(500_000);
                    }
                }
                return null;
            });
            for (int round = 0; round < 20 && committed.get() < 200; round++) {
                Thread.sleep(50);
            }
            for (int round = 1; round <= 3; round++) {
                int before = committed.get();
                // would not return before the writer stops if sequencing chased it
                Future<Long> call = Executors.newSingleThreadExecutor().submit(() -> {
                    a.outboundFor(B, 1);
                    return a.backlog(B).changeSets();
                });
                long queued = call.get(60, TimeUnit.SECONDS);
                assertTrue(queued >= before, "Round " + round + ": everything committed before the call is sequenced (" + queued
                    + " queued, " + before + " committed before)");
                assertTrue(writing.get() && !writer.isDone(), "The writer was still writing when the call returned.");
            }
            writing.set(false);
            writer.get(30, TimeUnit.SECONDS);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        int total = committed.get();
        a.outboundFor(B, 1);
        assertEquals(List.of((long) total, 1L, (long) total), c.sql("A").query(
                "SELECT COUNT(*) AS n, MIN(\"seq\") AS lo, MAX(\"seq\") AS hi FROM \"cv_outbox_tx\"").get(0).values().stream()
                .map(v -> ((Number) v).longValue()).toList(),
            "Once the writer stopped, its " + total + " transactions have sequences 1.." + total + ", each once.");
    }

    /**
     * An apply holds the clock row for its whole transaction. Sequencing (and so delivery) does not wait for it: it
     * takes the sequencer's row. A transaction that commits after the apply is still stamped after what it applied,
     * and stamps still increase with sequence numbers.
     */
    @AllDialects
    void sequencingGoesOnWhileAnApplyHoldsTheClockRow(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "seq_beside_apply");
        Node a = c.node("A");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        long applied = dev.converge.clock.HybridTimestamp.ofMillis(Cluster.NOON + 3_600_000).asLong(); // an hour ahead of A's clock
        try (Connection apply = c.member("A").db().getConnection()) {
            apply.setAutoCommit(false);
            // what an apply does first, and holds until it commits
            execute(apply, "SELECT \"floor_ts\" FROM \"cv_clock\" WHERE \"id\" = 1 FOR UPDATE");
            Future<List<ChangeSet>> shipped = pool.submit(() -> a.outboundFor(B, 10));
            List<ChangeSet> first = shipped.get(30, TimeUnit.SECONDS);
            assertEquals(1, first.size(), "What committed before is sequenced and read while the apply holds the clock row.");
            assertTrue(first.get(0).timestamp().asLong() < applied, "Stamped by A's own clock: " + first.get(0).timestamp());
            // the apply raises the floor to what it applied, and commits
            execute(apply, "UPDATE \"cv_clock\" SET \"floor_ts\" = " + applied + ", \"applied_n\" = \"applied_n\" + 1 WHERE \"id\" = 1");
            apply.commit();
        } finally {
            pool.shutdownNow();
        }
        c.write("A", "UPDATE pers SET nume = 'Vasile' WHERE marca = 1");
        List<ChangeSet> all = a.outboundFor(B, 10);
        assertEquals(2, all.size());
        assertTrue(all.get(1).timestamp().asLong() > applied,
            "A transaction committed after the apply is stamped after what the apply applied: " + all.get(1).timestamp());
        assertTrue(all.get(1).timestamp().compareTo(all.get(0).timestamp()) > 0, "Stamps increase with sequence numbers.");
    }

    /**
     * Applies at A (ChangeSets of B's writers) and A's sequencing and delivery run at once, while writers on both
     * write the same rows: the peers converge, and A's stamps increase strictly with its sequence numbers.
     */
    @AllDialects
    void applyingAndSequencingAtOnceKeepStampsInSequenceOrderAndConverge(Dialect dialect) throws Exception {
        Cluster c = cluster(dialect, "seq_apply_at_once");
        c.write("A", "INSERT INTO pers VALUES (1, 'Ion', 'MS')", "INSERT INTO pers VALUES (2, 'Ana', 'CJ')");
        c.sync();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (String id : List.of("A", "B")) {
                tasks.add(pool.submit(() -> {
                    try (Connection w = c.member(id).db().getConnection()) {
                        for (int i = 0; running.get(); i++) {
                            try {
                                execute(w, "UPDATE pers SET nume = '" + id + i + "' WHERE marca = " + (1 + i % 2));
                                execute(w, "UPDATE counter SET n = n + 1 WHERE id = 1");
                            } catch (SQLException e) {
                                // H2: a lock held by an apply past the lock timeout; the write is simply not made
                            }
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                while (running.get()) {
                    c.deliver("B", "A"); // applies at A
                }
                return null;
            }));
            tasks.add(pool.submit(() -> {
                while (running.get()) {
                    c.node("A").outboundFor(B, 1); // sequences at A (and acknowledges nothing, so A keeps every stamp)
                }
                return null;
            }));
            Thread.sleep(3_000);
        } finally {
            running.set(false);
            for (Future<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
        c.node("A").outboundFor(B, 1);
        List<Long> stamps = c.sql("A").query("SELECT \"ts\" FROM \"cv_outbox_tx\" ORDER BY \"seq\"").stream()
            .map(r -> ((Number) r.get("ts")).longValue()).toList();
        assertTrue(stamps.size() > 10, "A wrote and sequenced: " + stamps.size());
        for (int i = 1; i < stamps.size(); i++) {
            assertTrue(stamps.get(i) > stamps.get(i - 1), "A's stamps increase strictly with sequence numbers, at " + i);
        }
        assertTrue(((Number) c.sql("A").scalar("SELECT \"applied_n\" FROM \"cv_clock\" WHERE \"id\" = 1")).longValue() > 10,
            "A applied B's writes meanwhile.");
        c.sync();
        assertEquals(c.data("A"), c.data("B"), "A and B converge.");
    }
}
