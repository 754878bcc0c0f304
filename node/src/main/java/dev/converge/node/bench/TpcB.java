package dev.converge.node.bench;

import dev.converge.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * pgbench's TPC-B-like transaction, in plain JDBC so nothing outside the JVM is needed: one account, one teller and
 * the one branch (scale 1: every transaction updates the same branch row, a hot row) change by the same amount and a
 * history row is added — four row changes. History gets a UUID key, which pgbench's table lacks and replication needs.
 */
final class TpcB {
    static final int TELLERS = 10;
    static final List<Fingerprint.Table> TABLES = List.of(
        new Fingerprint.Table("pgbench_branches", "bid"), new Fingerprint.Table("pgbench_tellers", "tid"),
        new Fingerprint.Table("pgbench_accounts", "aid"), new Fingerprint.Table("pgbench_history", "hid"));

    private TpcB() {}

    /**
     * The tables and their initial rows, the same on every peer (rows present before Converge are not shipped); with
     * {@code foreignKeys}, pgbench's own foreign keys ({@code pgbench -i -I f}): tellers and accounts refer to their
     * branch, history to its branch, teller and account.
     */
    static Peers.Schema schema(Dialect dialect, int accounts, boolean foreignKeys) {
        String range = dialect == Dialect.POSTGRESQL ? "generate_series(1, " + accounts + ") r(x)" : "SYSTEM_RANGE(1, " + accounts + ") r(x)";
        return db -> {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE pgbench_branches (bid INT PRIMARY KEY, bbalance INT NOT NULL)");
                s.execute("CREATE TABLE pgbench_tellers (tid INT PRIMARY KEY, bid INT NOT NULL, tbalance INT NOT NULL)");
                s.execute("CREATE TABLE pgbench_accounts (aid INT PRIMARY KEY, bid INT NOT NULL, abalance INT NOT NULL)");
                s.execute("CREATE TABLE pgbench_history (hid VARCHAR(36) PRIMARY KEY, tid INT, bid INT, aid INT, delta INT,"
                    + " mtime TIMESTAMP)");
                s.execute("INSERT INTO pgbench_branches VALUES (1, 0)");
                for (int t = 1; t <= TELLERS; t++) {
                    s.execute("INSERT INTO pgbench_tellers VALUES (" + t + ", 1, 0)");
                }
                s.execute("INSERT INTO pgbench_accounts SELECT x, 1, 0 FROM " + range);
                if (foreignKeys) {
                    s.execute("ALTER TABLE pgbench_tellers ADD FOREIGN KEY (bid) REFERENCES pgbench_branches (bid)");
                    s.execute("ALTER TABLE pgbench_accounts ADD FOREIGN KEY (bid) REFERENCES pgbench_branches (bid)");
                    s.execute("ALTER TABLE pgbench_history ADD FOREIGN KEY (bid) REFERENCES pgbench_branches (bid)");
                    s.execute("ALTER TABLE pgbench_history ADD FOREIGN KEY (tid) REFERENCES pgbench_tellers (tid)");
                    s.execute("ALTER TABLE pgbench_history ADD FOREIGN KEY (aid) REFERENCES pgbench_accounts (aid)");
                }
            }
        };
    }

    /** One client's connection with its statements prepared once, as pgbench does with {@code -M prepared}. */
    static final class Client implements AutoCloseable {
        private final Connection c;
        private final PreparedStatement account;
        private final PreparedStatement balance;
        private final PreparedStatement teller;
        private final PreparedStatement branch;
        private final PreparedStatement history;
        private final int accounts;
        private String lastHistoryId;

        Client(DataSource db, int accounts) throws SQLException {
            this.accounts = accounts;
            c = db.getConnection();
            c.setAutoCommit(false);
            account = c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
            balance = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?");
            teller = c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
            branch = c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
            history = c.prepareStatement(
                "INSERT INTO pgbench_history (hid, tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)");
        }

        /**
         * One transaction; a serialisation failure, deadlock or lock timeout (with an applying peer or another client)
         * is rolled back and tried again, as a client would, and its SQLSTATE told to {@code failed}. Returns how many
         * tries failed first.
         */
        int transact(java.util.function.Consumer<String> failedTry) throws SQLException {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int aid = r.nextInt(1, accounts + 1);
            int tid = r.nextInt(1, TELLERS + 1);
            int delta = r.nextInt(-5000, 5001);
            return retrying(c, () -> once(aid, tid, delta), failedTry);
        }

        /** The key of the history row of the last transaction committed: which transaction it was. */
        String lastHistoryId() {
            return lastHistoryId;
        }

        private void once(int aid, int tid, int delta) throws SQLException {
            account.setInt(1, delta);
            account.setInt(2, aid);
            account.executeUpdate();
            balance.setInt(1, aid);
            try (ResultSet rs = balance.executeQuery()) {
                rs.next();
            }
            teller.setInt(1, delta);
            teller.setInt(2, tid);
            teller.executeUpdate();
            branch.setInt(1, delta);
            branch.setInt(2, 1);
            branch.executeUpdate();
            String hid = UUID.randomUUID().toString();
            history.setString(1, hid);
            history.setInt(2, tid);
            history.setInt(3, 1);
            history.setInt(4, aid);
            history.setInt(5, delta);
            history.executeUpdate();
            c.commit();
            lastHistoryId = hid;
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }

    /** One try of a transaction's statements and commit. */
    interface Attempt {
        void run() throws SQLException;
    }

    /**
     * Runs {@code attempt} on {@code c} until it commits: a try that fails as {@link #retriable} is rolled back, told to
     * {@code failedTry} by its SQLSTATE and tried again (at most 100 times), as a client would; any other failure, or
     * the 101st, goes out. Returns how many tries failed first.
     */
    static int retrying(Connection c, Attempt attempt, java.util.function.Consumer<String> failedTry) throws SQLException {
        for (int failed = 0; ; failed++) {
            try {
                attempt.run();
                return failed;
            } catch (SQLException e) {
                c.rollback();
                if (!retriable(e) || failed >= 100) {
                    throw e;
                }
                failedTry.accept(e.getSQLState());
            }
        }
    }

    /**
     * Whether a client would roll back and try again: PostgreSQL's serialization failure and deadlock, H2's deadlock and
     * lock timeout (an applying peer holds the rows a moment).
     */
    static boolean retriable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("40001") || state.equals("40P01") || state.equals("HYT00"));
    }
}
