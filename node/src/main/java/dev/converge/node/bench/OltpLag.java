package dev.converge.node.bench;

import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.transport.Heartbeat;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Lag of the OLTP benchmark at a fixed rate: from a transaction's commit at its peer to the moment each other peer has
 * applied it. A TPC-B transaction is known by its history row's key ({@code hid}): the clients note when each
 * committed ({@link #committed}); the transport this wraps ({@link #watching}) notes which ChangeSet (origin and
 * sequence) carries it to which peer; and a watcher ({@link #watch}) reads every few milliseconds how far each peer
 * has applied each origin's ChangeSets (its {@code cv_applied} watermarks, one small query) and credits what it
 * passed. A ChangeSet is credited at the first reading that shows it applied, so the figure errs late by up to one
 * reading's interval, never early. Whatever is still uncredited when the peers are seen converged is credited then
 * ({@link #convergedAt}).
 *
 * <p>Thread-safe: clients, delivery threads and the watcher call it at once.
 */
final class OltpLag {
    private static final String HISTORY = "pgbench_history";
    /** How often the watcher reads the peers' watermarks. */
    private static final long READ_INTERVAL_NANOS = 5_000_000;

    private final Map<String, Long> commits = new ConcurrentHashMap<>();
    /** Per receiving peer and origin, the transactions sent and not yet seen applied, by sequence. */
    private final Map<List<NodeId>, ConcurrentSkipListMap<Long, List<String>>> sent = new ConcurrentHashMap<>();
    /** Each (transaction, receiving peer)'s applied time. */
    private final Map<List<Object>, Long> applied = new ConcurrentHashMap<>();

    /** The client committed the transaction whose history row is {@code hid}, at {@code nanoTime}. */
    void committed(String hid, long nanoTime) {
        commits.put(hid, nanoTime);
    }

    /** {@code inner}, noting which ChangeSet carries which transaction to which peer. */
    Transport watching(Transport inner) {
        return new Transport() {
            @Override
            public Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
                for (ChangeSet cs : batch) {
                    for (Change c : cs.changes()) {
                        if (c.table().equalsIgnoreCase(HISTORY) && c instanceof Change.Insert) {
                            String hid = String.valueOf(c.key().values().values().iterator().next());
                            sent.computeIfAbsent(List.of(to, cs.origin()), k -> new ConcurrentSkipListMap<>())
                                .computeIfAbsent(cs.sequence(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(hid);
                        }
                    }
                }
                return inner.send(from, to, batch);
            }

            @Override
            public void heartbeat(NodeId from, NodeId to, Heartbeat heartbeat) {
                inner.heartbeat(from, to, heartbeat);
            }
        };
    }

    /**
     * Reads the peers' watermarks until {@code watching} turns false, crediting what they passed. Runs on a thread of
     * its own; one connection per peer.
     */
    void watch(List<NodeId> peers, List<DataSource> dbs, AtomicBoolean watching) {
        List<Connection> connections = new ArrayList<>();
        try {
            for (DataSource db : dbs) {
                Connection c = db.getConnection();
                c.setAutoCommit(true); // every reading its own snapshot: a transaction kept open would see the first for ever
                connections.add(c);
            }
            while (watching.get()) {
                readOnce(peers, connections);
                LockSupport.parkNanos(READ_INTERVAL_NANOS);
            }
            readOnce(peers, connections);
        } catch (SQLException e) {
            throw new IllegalStateException("oltp: reading the peers' applied watermarks failed: " + e.getMessage(), e);
        } finally {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing after the run: nothing to save
                }
            }
        }
    }

    private void readOnce(List<NodeId> peers, List<Connection> connections) throws SQLException {
        for (int i = 0; i < peers.size(); i++) {
            try (Statement st = connections.get(i).createStatement();
                 ResultSet rs = st.executeQuery("SELECT \"origin\", \"seq\" FROM \"cv_applied\"")) {
                long at = System.nanoTime();
                while (rs.next()) {
                    var waiting = sent.get(List.of(peers.get(i), NodeId.of(rs.getString(1))));
                    if (waiting != null) {
                        var passed = waiting.headMap(rs.getLong(2), true);
                        NodeId to = peers.get(i);
                        passed.values().forEach(hids -> hids.forEach(hid -> applied.putIfAbsent(List.of(hid, to), at)));
                        passed.clear();
                    }
                }
            }
        }
    }

    /** The peers were seen holding the same rows at {@code nanoTime}: everything sent is applied by then. */
    void convergedAt(long nanoTime) {
        sent.forEach((link, waiting) -> {
            waiting.values().forEach(hids -> hids.forEach(hid -> applied.putIfAbsent(List.of(hid, link.get(0)), nanoTime)));
            waiting.clear();
        });
    }

    /**
     * The lags in milliseconds, one per transaction and peer that applied it.
     *
     * @throws IllegalStateException if some committed transaction was never seen applied at {@code others} peers
     */
    double[] millis(int others) {
        Map<String, Integer> reached = new java.util.HashMap<>();
        List<Double> out = new ArrayList<>();
        applied.forEach((pair, at) -> {
            String hid = (String) pair.get(0);
            Long commit = commits.get(hid);
            if (commit != null) {
                out.add(Math.max(0, at - commit) / 1e6);
                reached.merge(hid, 1, Integer::sum);
            }
        });
        long missing = commits.keySet().stream().filter(hid -> reached.getOrDefault(hid, 0) < others).count();
        if (missing > 0) {
            throw new IllegalStateException("oltp: " + missing + " committed transactions were not seen applied at every other peer;"
                + " the run is void");
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
