package dev.converge.node.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Waits until a peer holds what W wrote at its origin: how both the Converge and the native runs end, so that both
 * figures time the same thing by the same look. A look that read the whole table took 4.5 ms of the server's time (on
 * 250,000 rows): every 50 ms it took a tenth of the server from the replication it timed, every millisecond (with a
 * connection opened each time) a core. So the look is two rows by key on one connection held for the wait — whether
 * W's last transaction has arrived ({@link Workload#lastArrived}) — every millisecond; then, once, the whole table's
 * aggregates, which must equal the origin's (a look that finds them not yet equal goes on looking).
 *
 * <p>Stateless; each call blocks its thread until the peer caught up or the time limit passed.
 */
final class CaughtUp {
    private CaughtUp() {
    }

    /** Cheap aggregates of the whole table that reach the origin's values only when the last transaction of W is applied. */
    record Target(long rows, long sumA, long sumId) {
        static Target of(DataSource db) throws SQLException {
            try (Connection c = db.getConnection()) {
                return of(c);
            }
        }

        static Target of(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(a), 0), coalesce(sum(id), 0) FROM bench")) {
                rs.next();
                return new Target(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /**
     * Blocks until {@code peer} holds {@code expected} after W's last transaction arrived, or throws
     * {@link Fingerprint.NotConvergedException}: a run that does not catch up within {@code limit} is void, not slow.
     */
    static void await(DataSource peer, Workload w, Target expected, Duration limit, String what) throws SQLException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (Connection c = peer.getConnection()) {
            while (!(w.lastArrived(c) && Target.of(c).equals(expected))) {
                if (System.nanoTime() > deadline) {
                    throw new Fingerprint.NotConvergedException(what + ": the peer did not catch up within " + limit.toMinutes()
                        + " minutes; the run is void");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }
}
