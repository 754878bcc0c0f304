package dev.converge.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import dev.converge.transport.Receipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * A node's timestamps increase strictly in its sequence order whatever its wall clock does: steps forward and back,
 * several transactions captured before one is sequenced, remote ChangeSets applied in between (whose timestamps a later
 * local write must exceed), restarts. Each ChangeSet's changes carry its timestamp, the stamp is never behind the wall
 * clock the write read, the row's local version carries the same stamp, and a ChangeSet read again after a restart
 * (the net-effect cache is empty then) is exactly the one read before.
 *
 * <p>Node A writes one or two fresh rows per transaction, so its n-th transaction is its n-th ChangeSet; B only writes
 * so that A applies ChangeSets stamped by another clock.
 */
class NodeTimestampProperties {
    static final String SCHEMA = "CREATE TABLE t (k INT PRIMARY KEY, v INT)";
    static final NodeId A = NodeId.of("A");
    static final NodeId B = NodeId.of("B");

    sealed interface Step permits Jump, Write, Sequence, Receive, Restart {
    }

    /** A's wall clock steps by {@code millis}. */
    record Jump(long millis) implements Step {
    }

    /** A inserts {@code rows} fresh rows in one transaction. */
    record Write(int rows) implements Step {
    }

    /** A sequences what it captured (a peer asks for its ChangeSets). */
    record Sequence() implements Step {
    }

    /** B, its clock {@code offsetMillis} from A's, writes a row and A applies it. */
    record Receive(long offsetMillis) implements Step {
    }

    /** A's node is closed and opened again on the same database. */
    record Restart() implements Step {
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void timestampsIncreaseInSequenceOrderOnH2(@ForAll("steps") List<Step> steps) {
        check(Dialect.H2, steps);
    }

    @Property(tries = 6, edgeCases = EdgeCasesMode.NONE)
    void timestampsIncreaseInSequenceOrderOnPostgres(@ForAll("steps") List<Step> steps) {
        check(Dialect.POSTGRESQL, steps);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> size = Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.longs().between(1, 999)),
            Tuple.of(3, Arbitraries.longs().between(1, 59).map(s -> s * 1000)),
            Tuple.of(2, Arbitraries.longs().between(1, 10).map(m -> m * 60_000)));
        Arbitrary<Long> signed = Combinators.combine(size, Arbitraries.of(-1L, 1L)).as((s, sign) -> s * sign);
        return Arbitraries.<Step>frequencyOf(
                Tuple.of(4, signed.map(Jump::new)),
                Tuple.of(6, Arbitraries.integers().between(1, 2).map(Write::new)),
                Tuple.of(2, Arbitraries.just(new Sequence())),
                Tuple.of(2, signed.map(Receive::new)),
                Tuple.of(1, Arbitraries.just(new Restart())))
            .list().ofMinSize(1).ofMaxSize(25);
    }

    static void check(Dialect dialect, List<Step> steps) {
        DataSource dbA = TestDatabases.fresh(dialect, "stamps_a");
        DataSource dbB = TestDatabases.fresh(dialect, "stamps_b");
        Sql.on(dbA).execute(SCHEMA);
        Sql.on(dbB).execute(SCHEMA);
        NodeConfig configA = NodeConfig.builder("A").peer("B").table("t").build();
        ManualTimeSource clockA = new ManualTimeSource(Cluster.NOON);
        ManualTimeSource clockB = new ManualTimeSource(Cluster.NOON);
        Node a = Node.open(configA, dbA, clockA);
        Node b = Node.open(NodeConfig.builder("B").peer("A").table("t").build(), dbB, clockB);
        try {
            // per A transaction, in order: the wall clock it read and the latest timestamp A had applied before it
            List<Long> walls = new ArrayList<>();
            List<HybridTimestamp> appliedBefore = new ArrayList<>();
            HybridTimestamp applied = HybridTimestamp.ZERO;
            Map<Long, ChangeSet> readBefore = new TreeMap<>();
            int key = 0;
            for (Step step : steps) {
                if (step instanceof Jump j) {
                    clockA.advance(j.millis());
                } else if (step instanceof Write w) {
                    String[] inserts = new String[w.rows()];
                    for (int i = 0; i < inserts.length; i++) {
                        key++;
                        inserts[i] = "INSERT INTO t VALUES (" + key + ", " + walls.size() + ")";
                    }
                    a.publishWallClock();
                    Sql.on(dbA).transaction(inserts);
                    walls.add(clockA.currentTimeMillis());
                    appliedBefore.add(applied);
                } else if (step instanceof Sequence) {
                    a.outboundFor(B, 1000).forEach(cs -> readBefore.put(cs.sequence(), cs));
                } else if (step instanceof Receive r) {
                    clockB.set(clockA.currentTimeMillis() + r.offsetMillis());
                    key++;
                    b.publishWallClock();
                    Sql.on(dbB).transaction("INSERT INTO t VALUES (" + key + ", -1)");
                    List<ChangeSet> batch = b.outboundFor(A, 1000);
                    Receipt receipt = a.receive(B, batch);
                    b.acknowledge(A, receipt.storedThrough());
                    for (ChangeSet cs : batch) {
                        applied = HybridTimestamp.max(applied, cs.timestamp());
                    }
                } else {
                    a.close();
                    a = Node.open(configA, dbA, clockA);
                }
            }

            List<ChangeSet> all = a.outboundFor(B, 1000);
            String account = "\n steps: " + steps + "\n walls: " + walls + "\n ChangeSets:\n  "
                + all.stream().map(Object::toString).collect(Collectors.joining("\n  "));
            assertEquals(walls.size(), all.size(), "one ChangeSet per transaction of A" + account);
            Map<Long, Long> versions = new TreeMap<>();
            Sql.on(dbA).query("SELECT * FROM \"cv_shadow_t\"")
                .forEach(v -> versions.put(((Number) v.get("k")).longValue(), ((Number) v.get("cv_ts")).longValue()));
            HybridTimestamp previous = HybridTimestamp.ZERO;
            for (int i = 0; i < all.size(); i++) {
                ChangeSet cs = all.get(i);
                HybridTimestamp ts = cs.timestamp();
                String what = cs.id() + " @" + ts;
                assertEquals(i + 1L, cs.sequence(), account);
                assertTrue(ts.compareTo(previous) > 0, what + " is stamped after the ChangeSet before it, @" + previous + account);
                assertTrue(ts.compareTo(HybridTimestamp.ofMillis(walls.get(i))) >= 0,
                    what + " is not behind the wall clock its transaction read, " + HybridTimestamp.ofMillis(walls.get(i)) + account);
                assertTrue(ts.compareTo(appliedBefore.get(i)) > 0,
                    what + " is stamped after every ChangeSet A had applied when it wrote, up to @" + appliedBefore.get(i) + account);
                for (Change ch : cs.changes()) {
                    assertEquals(ts, ch.timestamp(), what + ": each change carries its ChangeSet's timestamp" + account);
                    long k = ((Number) ch.key().values().values().iterator().next()).longValue();
                    assertEquals(ts.asLong(), versions.get(k), what + ": the row's local version carries the same stamp" + account);
                }
                if (readBefore.containsKey(cs.sequence())) {
                    assertEquals(readBefore.get(cs.sequence()), cs, what + " reads the same as when it was first read" + account);
                }
                previous = ts;
            }
        } finally {
            if (dialect == Dialect.H2) {
                Sql.on(dbA).execute("SHUTDOWN");
                Sql.on(dbB).execute("SHUTDOWN");
            }
        }
    }
}
