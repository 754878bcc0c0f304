package dev.converge.node.bench;

import dev.converge.scratch.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * Workload W through PostgreSQL's own logical replication, one way, between two fresh databases of the same server:
 * a publication on one, a subscription on the other. Timed from the start of W until the subscriber holds what the
 * publisher holds, and then compared row by row.
 *
 * <p>On one server the slot must exist before the subscription ({@code create_slot = false}): creating it from
 * {@code CREATE SUBSCRIPTION} waits for every running transaction to end, its own included, and hangs.
 */
final class NativeReplication {
    /** How long the subscriber may take to catch up before the run is declared broken. */
    private static final Duration CATCH_UP = Duration.ofMinutes(10);

    private final PostgresServer server;

    private NativeReplication(PostgresServer server) {
        this.server = server;
    }

    /**
     * The native comparison on this server, or why there cannot be one: {@code wal_level} must be {@code logical}
     * (the embedded server starts so; another server needs it in postgresql.conf and a restart).
     */
    static NativeReplication on(PostgresServer server) throws SQLException {
        String walLevel;
        try (Connection c = server.freshDatabase("bench_native_check").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            walLevel = rs.getString(1);
        } finally {
            server.dropDatabase("bench_native_check");
        }
        if (!"logical".equals(walLevel)) {
            throw new UnsupportedOperationException("native comparison impossible on " + server + ": its wal_level is '"
                + walLevel + "', logical replication needs 'logical' (set wal_level = logical in postgresql.conf and"
                + " restart the server, or unset " + PostgresServer.URL_VARIABLE + " to use the embedded server)");
        }
        return new NativeReplication(server);
    }

    /** One run: seconds from the start of W until the subscriber caught up; fails loudly if it holds other rows. */
    double run(Workload w) throws SQLException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String pubDb = "bench_native_pub_" + tag;
        String subDb = "bench_native_sub_" + tag;
        String slot = "bench_slot_" + tag;
        DataSource pub = server.freshDatabase(pubDb);
        DataSource sub = server.freshDatabase(subDb);
        try {
            Workload.createTable(pub);
            Workload.createTable(sub);
            execute(pub, "CREATE PUBLICATION bench_pub FOR TABLE bench");
            execute(pub, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            execute(sub, "CREATE SUBSCRIPTION bench_sub CONNECTION '" + conninfo(pubDb) + "' PUBLICATION bench_pub"
                + " WITH (create_slot = false, slot_name = '" + slot + "', copy_data = false)");
            awaitStreaming(pub, slot);
            long t0 = System.nanoTime();
            w.run(pub);
            Target target = Target.of(pub);
            awaitCaughtUp(sub, target);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Fingerprint.requireSame("native logical replication", List.of("publisher", "subscriber"), List.of(pub, sub),
                Workload.TABLES);
            return seconds;
        } finally {
            teardown(pub, sub, slot);
            server.dropDatabase(subDb);
            server.dropDatabase(pubDb);
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

    /** Cheap aggregates that reach their final values only when the last transaction of W is applied. */
    record Target(long rows, long sumA, long sumId) {
        static Target of(DataSource db) throws SQLException {
            try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*), coalesce(sum(a), 0), coalesce(sum(id), 0) FROM bench")) {
                rs.next();
                return new Target(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    private static void awaitCaughtUp(DataSource sub, Target target) throws SQLException {
        await("the subscriber to catch up", () -> Target.of(sub).equals(target));
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

    /**
     * Drops the subscription without touching the publisher from inside it (detached from its slot first), then the
     * slot once its WAL sender has gone: a database with a slot cannot be dropped.
     */
    private static void teardown(DataSource pub, DataSource sub, String slot) throws SQLException {
        try (Connection c = sub.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_subscription WHERE subname = 'bench_sub'")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                s.execute("ALTER SUBSCRIPTION bench_sub DISABLE");
                s.execute("ALTER SUBSCRIPTION bench_sub SET (slot_name = NONE)");
                s.execute("DROP SUBSCRIPTION bench_sub");
            }
        }
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
