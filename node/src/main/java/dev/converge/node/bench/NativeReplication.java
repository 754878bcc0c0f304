package dev.converge.node.bench;

import dev.converge.scratch.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * PostgreSQL's own logical replication between fresh databases of the same server, for comparison: workload W one
 * way (a publication on one, a subscription on the other), timed from the start of W until the subscriber holds what
 * the publisher holds, and then compared row by row; and a mesh of several databases each subscribed to every other
 * ({@link #mesh}) for the OLTP benchmark.
 *
 * <p>On one server the slot must exist before the subscription ({@code create_slot = false}): creating it from
 * {@code CREATE SUBSCRIPTION} waits for every running transaction to end, its own included, and hangs.
 */
final class NativeReplication {
    /** How long the subscriber may take to catch up before the run is declared broken. */
    private static final Duration CATCH_UP = Duration.ofMinutes(10);

    private final PostgresServer server;
    /** {@code server_version_num} and {@code max_logical_replication_workers}, read once by {@link #on}. */
    private final int version;
    private final int applyWorkers;

    private NativeReplication(PostgresServer server, int version, int applyWorkers) {
        this.server = server;
        this.version = version;
        this.applyWorkers = applyWorkers;
    }

    /**
     * The native comparison on this server, or why there cannot be one: {@code wal_level} must be {@code logical}
     * (the embedded server starts so; another server needs it in postgresql.conf and a restart).
     */
    static NativeReplication on(PostgresServer server) throws SQLException {
        String walLevel;
        int version;
        int applyWorkers;
        try (Connection c = server.freshDatabase("bench_native_check").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('wal_level'), current_setting('server_version_num')::int,"
                 + " current_setting('max_logical_replication_workers')::int")) {
            rs.next();
            walLevel = rs.getString(1);
            version = rs.getInt(2);
            applyWorkers = rs.getInt(3);
        } finally {
            server.dropDatabase("bench_native_check");
        }
        if (!"logical".equals(walLevel)) {
            throw new UnsupportedOperationException("native comparison impossible on " + server + ": its wal_level is '"
                + walLevel + "', logical replication needs 'logical' (set wal_level = logical in postgresql.conf and"
                + " restart the server, or unset " + PostgresServer.URL_VARIABLE + " to use the embedded server)");
        }
        return new NativeReplication(server, version, applyWorkers);
    }

    /** One run: seconds from the start of W until the subscriber caught up; fails loudly if it holds other rows. */
    double run(Workload w) throws SQLException {
        try (Mesh m = mesh("native", 2, Workload::createTable, Workload.TABLES, false)) {
            DataSource pub = m.dbs().get(0);
            DataSource sub = m.dbs().get(1);
            long t0 = System.nanoTime();
            w.run(pub);
            CaughtUp.await(sub, w, CaughtUp.Target.of(pub), CATCH_UP, "native logical replication");
            double seconds = (System.nanoTime() - t0) / 1e9;
            Fingerprint.requireSame("native logical replication", List.of("publisher", "subscriber"), List.of(pub, sub),
                Workload.TABLES);
            return seconds;
        }
    }

    /**
     * {@code count} fresh databases of this server with {@code schema}, linked by native logical replication of
     * {@code tables}: one way from the first to the second, or ({@code everyWay}) each subscribed to every other with
     * {@code origin = none}, so that a change applied from a peer is not sent on — PostgreSQL's own multi-master setup,
     * which needs version 16 and two apply workers per pair ({@link #requireMultiMaster} says whether the server has
     * them: ask it first). Native replication has no conflict handling: rows two peers update at once may end
     * different (each applies the other's new row as it is). Every subscription streams when this returns; closing it
     * drops the subscriptions, slots and databases.
     */
    Mesh mesh(String prefix, int count, Peers.Schema schema, List<Fingerprint.Table> tables, boolean everyWay) throws SQLException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Mesh m = new Mesh();
        try {
            for (int i = 0; i < count; i++) {
                String name = "bench_" + prefix + "_" + tag + "_" + (char) ('a' + i);
                DataSource db = server.freshDatabase(name);
                m.names.add(name);
                m.dbs.add(db);
                schema.create(db);
                execute(db, "CREATE PUBLICATION bench_pub FOR TABLE " + String.join(", ", tables.stream().map(Fingerprint.Table::name).toList()));
            }
            for (int from = 0; from < count; from++) {
                for (int to = 0; to < count; to++) {
                    if (from == to || (!everyWay && (from != 0 || to != 1))) {
                        continue;
                    }
                    String slot = "bench_slot_" + tag + "_" + (char) ('a' + from) + (char) ('a' + to);
                    String subscription = "bench_sub_from_" + (char) ('a' + from);
                    execute(m.dbs.get(from), "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
                    m.links.add(new Link(from, to, slot, subscription));
                    execute(m.dbs.get(to), "CREATE SUBSCRIPTION " + subscription + " CONNECTION '" + conninfo(m.names.get(from))
                        + "' PUBLICATION bench_pub WITH (create_slot = false, slot_name = '" + slot + "', copy_data = false"
                        + (everyWay ? ", origin = none" : "") + ")");
                }
            }
            for (Link l : m.links) {
                awaitStreaming(m.dbs.get(l.from()), l.slot());
            }
            return m;
        } catch (SQLException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** A subscription of database {@code to} to database {@code from}, through {@code slot}. */
    private record Link(int from, int to, String slot, String subscription) {
    }

    /** Databases linked by native logical replication; see {@link #mesh}. Not thread-safe. */
    final class Mesh implements AutoCloseable {
        private final List<String> names = new ArrayList<>();
        private final List<DataSource> dbs = new ArrayList<>();
        private final List<Link> links = new ArrayList<>();

        private Mesh() {
        }

        List<DataSource> dbs() {
            return dbs;
        }

        /** Drops the subscriptions, then the slots, then the databases. */
        @Override
        public void close() throws SQLException {
            try {
                for (Link l : links) {
                    dropSubscription(dbs.get(l.to()), l.subscription());
                }
                for (Link l : links) {
                    dropSlot(dbs.get(l.from()), l.slot());
                }
            } finally {
                names.forEach(server::dropDatabase);
            }
        }
    }

    /**
     * Refuses a multi-master mesh the server cannot run: {@code origin = none} came with PostgreSQL 16, and every
     * subscription needs an apply worker of its own.
     */
    void requireMultiMaster(int count) {
        if (version < 160000) {
            throw new UnsupportedOperationException("native multi-master comparison impossible on " + server
                + ": it needs PostgreSQL 16 or newer (subscriptions with origin = none)");
        }
        int needed = count * (count - 1);
        if (applyWorkers < needed) {
            throw new UnsupportedOperationException("native multi-master comparison impossible on " + server + ": " + count
                + " peers need " + needed + " apply workers, max_logical_replication_workers is " + applyWorkers);
        }
    }

    /** The libpq connection string of a database of this server, from the JDBC URL the scratch server hands out. */
    private String conninfo(String database) {
        Properties p = Driver.parseURL(server.jdbcUrl(database), new Properties());
        StringBuilder s = new StringBuilder("host=" + p.getProperty("PGHOST").split(",")[0]
            + " port=" + p.getProperty("PGPORT").split(",")[0] + " dbname=" + database);
        if (p.getProperty("user") != null) {
            s.append(" user=").append(p.getProperty("user"));
        }
        if (p.getProperty("password") != null) {
            s.append(" password=").append(p.getProperty("password").replace("'", "''"));
        }
        return s.toString();
    }

    /** The apply worker is connected and the slot streams: W's first commit is not left waiting for it. */
    private static void awaitStreaming(DataSource pub, String slot) throws SQLException {
        await("the subscription to start streaming", () -> {
            try (Connection c = pub.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    private interface Condition {
        boolean holds() throws SQLException;
    }

    /** Polls every millisecond, bounded: a subscription that never catches up is a broken run, not a slow one. */
    private static void await(String what, Condition condition) throws SQLException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("native logical replication: waited " + CATCH_UP.toMinutes()
                    + " minutes for " + what + "; the run is void (see the server's log)");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Drops a subscription without touching the publisher from inside it (detached from its slot first). */
    private static void dropSubscription(DataSource sub, String name) throws SQLException {
        try (Connection c = sub.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_subscription WHERE subname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery(); Statement s = c.createStatement()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    s.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
                    s.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                    s.execute("DROP SUBSCRIPTION " + name);
                }
            }
        }
    }

    /** Drops a slot once its WAL sender has gone: a database with a slot cannot be dropped. */
    private static void dropSlot(DataSource pub, String slot) throws SQLException {
        await("the replication slot to be released", () -> {
            try (Connection c = pub.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    return !rs.next() || !rs.getBoolean(1);
                }
            }
        });
        try (Connection c = pub.getConnection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            ps.executeQuery().close();
        }
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
