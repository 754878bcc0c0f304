package dev.converge.capture;

import dev.converge.clock.HybridTimestamp;
import dev.converge.catalog.RowFilter;
import dev.converge.model.ChangeSetCodec;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import dev.converge.catalog.H2Values;
import org.h2.tools.TriggerAdapter;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * Capture on H2: a Java row trigger (H2 has no statement triggers with transition tables) that writes each row
 * operation to the outbox, in the user's transaction, through the connection H2 hands it. The rows' versions are
 * written later, when the transaction is sequenced, from its net effect (see {@code OutboundQueue}). Loaded by H2
 * itself, so it reads its configuration from {@code cv_table} and the wall clock's reading from {@code cv_clock}: the
 * transaction's timestamp is given when it is sequenced, not here (see {@code HybridClock}). Works for embedded H2,
 * where the apply engine runs in the same JVM and marks its own writes through {@link #whileApplying} so they are not
 * captured again (no echo). A {@link TriggerAdapter}: H2 hands it the row as a result set over its own values, which
 * {@link H2Values} reads without loss; the plain {@code Trigger}'s Java objects are lossy ({@code java.sql.Date} shifts
 * days before 1582, {@code java.sql.Time} has no fraction, JSON comes as bytes, a BLOB as a handle).
 */
public final class H2CaptureTrigger extends TriggerAdapter {
    private static final ThreadLocal<Boolean> APPLYING = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /**
     * What capture knows of each live H2 transaction, by its Transaction object: H2's own transaction numbers may be
     * reused, a Transaction object is not. Weak: it goes with the transaction.
     */
    private static final Map<Object, TxState> TRANSACTIONS = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * One transaction's key and what its current statement read: the wall clock, the applied count and that the
     * transaction is registered for the sequencer. Kept from a statement's first captured row for the rest of it, and
     * forgotten when a statement starts ({@link #statementStarts}): a statement that failed, or a rollback to a
     * savepoint, may have taken the registration back, and neither can happen inside a statement that goes on. Read
     * afresh for every row while the transaction has not shown that its statements are announced (a table whose
     * statement trigger is missing). Confined to the transaction's session.
     */
    private static final class TxState {
        final String key = "h2-" + UUID.randomUUID();
        /** Whether {@link #statementStarts} was called in this transaction: only then is {@link #current} ever kept. */
        boolean announced;
        /** Whether {@link #wall} and {@link #appliedN} hold the current statement's reading, and the registration is there. */
        boolean current;
        long wall;
        long appliedN;
    }

    private String schema;
    private String table;
    private List<String> columns;
    /** Per column, its JDBC type and type name as the database reports them: how {@link H2Values} reads it. */
    private int[] jdbcTypes;
    private String[] typeNames;
    /** The database's metadata version when {@link #columns} were read: H2 changes it with every DDL statement. */
    private long metaVersion;
    /** Whether a row was found as wide as {@link #columns} since they were read (a result set's metadata costs a row's capture). */
    private volatile boolean widthChecked;
    private String filter;
    private String filterSql;
    private String outboxInsert;

    /**
     * Called by {@link H2StatementStart} before every statement that writes a replicated table (and before each
     * statement a cascade runs): the current statement's reading is forgotten, see {@link TxState}.
     */
    static void statementStarts(Connection conn) throws SQLException {
        if (APPLYING.get()) {
            return;
        }
        TxState state = state(conn);
        state.announced = true;
        state.current = false;
    }

    /** Runs {@code work} with capture switched off on this thread: the apply engine's writes are not local changes. */
    public static <T> T whileApplying(java.util.concurrent.Callable<T> work) throws Exception {
        boolean before = APPLYING.get();
        APPLYING.set(Boolean.TRUE);
        try {
            return work.call();
        } finally {
            APPLYING.set(before);
        }
    }

    /**
     * The wall clock's reading, the applied count, and whether this transaction is registered for the sequencer yet:
     * one indexed read per statement (see {@link TxState}). A MERGE that rewrote the registration with every row, and a
     * read of the clock with every row, cost about half of capture.
     * A join, not {@code EXISTS (SELECT ... WHERE tx_key = ?)}: H2 2.4 keeps that subquery's first answer for later
     * executions with the same parameter, so a statement would not see the registration an earlier one made.
     */
    private static final String CLOCK_AND_REGISTERED = "SELECT c.\"wall_override\", c.\"applied_n\", u.\"tx_key\""
        + " FROM \"cv_clock\" c LEFT JOIN \"cv_unsequenced\" u ON u.\"tx_key\" = ? WHERE c.\"id\" = 1";
    private static final String UNSEQUENCED_INSERT = "INSERT INTO \"cv_unsequenced\" (\"tx_key\") VALUES (?)";

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
        throws SQLException {
        super.init(conn, schemaName, triggerName, tableName, before, type);
        this.schema = schemaName;
        this.table = tableName;
        this.metaVersion = metaVersion(conn);
        readColumns(conn);
        try (PreparedStatement ps = conn.prepareStatement("SELECT \"row_filter\" FROM \"cv_table\" WHERE \"name\" = ?")) {
            ps.setString(1, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("Converge capture: table " + tableName + " is not registered in cv_table; reinstall the node");
                }
                filter = rs.getString(1);
            }
        }
        this.filterSql = filter == null ? null : filterQuery(filter);
        this.outboxInsert = "INSERT INTO \"cv_outbox\" (\"tx_key\", \"tbl\", \"op\", \"ts\", \"applied_n\", \"before_img\", \"after_img\","
            + " \"before_match\", \"after_match\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    @Override
    public void fire(Connection conn, ResultSet oldRs, ResultSet newRs) throws SQLException {
        if (APPLYING.get()) {
            return;
        }
        followSchemaChanges(conn, oldRs != null ? oldRs : newRs);
        Object[] oldRow = oldRs == null ? null : row(oldRs);
        Object[] newRow = newRs == null ? null : row(newRs);
        TxState tx = state(conn);
        if (!tx.current) {
            read(conn, tx);
        }
        String op = oldRow == null ? "I" : newRow == null ? "D" : "U";
        boolean beforeMatch = oldRow != null && matches(conn, oldRow);
        boolean afterMatch = newRow != null && matches(conn, newRow);
        try (PreparedStatement ps = conn.prepareStatement(outboxInsert)) {
            ps.setString(1, tx.key);
            ps.setString(2, table);
            ps.setString(3, op);
            ps.setLong(4, tx.wall);
            ps.setLong(5, tx.appliedN);
            // the outbox's format is a statement's images as arrays (see MetaTables.OUTBOX); a row trigger writes arrays of one
            ps.setString(6, oldRow == null ? null : ChangeSetCodec.singleImageArrayJson(columns, oldRow));
            ps.setString(7, newRow == null ? null : ChangeSetCodec.singleImageArrayJson(columns, newRow));
            ps.setString(8, oldRow == null || filterSql == null ? null : "[" + beforeMatch + "]");
            ps.setString(9, newRow == null || filterSql == null ? null : "[" + afterMatch + "]");
            ps.executeUpdate();
        }
        // no shadow version here: the sequencer writes versions from the transaction's net effect (OutboundQueue)
    }



    /**
     * Reads the table's columns again if any DDL ran since they were read. H2 initialises the trigger again when a
     * statement rebuilds the table (adding or dropping a column), but not when a column is renamed: the rows would
     * then be captured under the old name.
     */
    private void followSchemaChanges(Connection conn, ResultSet row) throws SQLException {
        long now = metaVersion(conn);
        if (now != metaVersion) {
            readColumns(conn);
            filterSql = filter == null ? null : filterQuery(filter);
            metaVersion = now;
        }
        if (widthChecked) {
            return; // no DDL since the columns were read and found as wide as the rows
        }
        int width = row.getMetaData().getColumnCount();
        if (width != columns.size()) {
            throw new SQLException("Converge capture: table " + table + " has " + width + " columns but its capture trigger knows "
                + columns + "; reopen the node");
        }
        widthChecked = true;
    }

    /** The row's values as Converge carries them (see {@link H2Values}). */
    private Object[] row(ResultSet rs) throws SQLException {
        Object[] out = new Object[columns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = H2Values.read(rs, i + 1, jdbcTypes[i], typeNames[i]);
        }
        return out;
    }

    private static long metaVersion(Connection conn) throws SQLException {
        return ((SessionLocal) conn.unwrap(JdbcConnection.class).getSession()).getDatabase().getModificationMetaId();
    }

    /**
     * Reads the wall clock ({@code cv_clock.wall_override} when a test or the node set one, else this JVM's clock),
     * packed as a hybrid timestamp with counter 0, and the applied count into {@code tx}, and registers the transaction
     * for the sequencer if it is not (yet, or any more). Only the reading: the sequencer turns it into the transaction's
     * timestamp ({@code HybridClock.stamp}). A plain read of {@code cv_clock}, so writers never wait for one another or
     * for the sequencer. Registered once per statement at most, not once per transaction: a rollback to a savepoint may
     * have taken the first registration back while keeping the transaction.
     */
    private static void read(Connection conn, TxState tx) throws SQLException {
        boolean registered;
        try (PreparedStatement ps = conn.prepareStatement(CLOCK_AND_REGISTERED)) {
            ps.setString(1, tx.key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("Converge capture: cv_clock is empty; reinstall the node");
                }
                long wall = rs.getLong(1);
                if (rs.wasNull()) {
                    wall = System.currentTimeMillis();
                }
                tx.wall = HybridTimestamp.ofMillis(wall).asLong();
                tx.appliedN = rs.getLong(2);
                registered = rs.getString(3) != null;
            }
        }
        if (!registered) {
            try (PreparedStatement ps = conn.prepareStatement(UNSEQUENCED_INSERT)) {
                ps.setString(1, tx.key);
                ps.executeUpdate();
            }
        }
        tx.current = tx.announced;
    }

    /** The key the current transaction's rows are captured under (see {@link TransactionKeys}). */
    static String txKey(Connection conn) throws SQLException {
        return state(conn).key;
    }

    private static TxState state(Connection conn) throws SQLException {
        SessionLocal session = (SessionLocal) conn.unwrap(JdbcConnection.class).getSession();
        return TRANSACTIONS.computeIfAbsent(session.getTransaction(), t -> new TxState());
    }

    private boolean matches(Connection conn, Object[] row) throws SQLException {
        if (filterSql == null) {
            return true;
        }
        try (PreparedStatement ps = conn.prepareStatement(filterSql)) {
            for (int i = 0; i < row.length; i++) {
                ps.setObject(i + 1, row[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new SQLException("Converge capture: the row filter of table " + table + " (" + filter + ") no longer runs on the"
                + " table, whose columns are now " + columns + ": a column it names was dropped or renamed? Change the filter and"
                + " reopen the node. " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private String filterQuery(String filter) {
        return RowFilter.h2Query(table, columns, filter);
    }

    private void readColumns(Connection conn) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<String> typeNameList = new ArrayList<>();
        DatabaseMetaData md = conn.getMetaData();
        try (ResultSet rs = md.getColumns(null, schema, table, null)) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
                types.add(rs.getInt("DATA_TYPE"));
                typeNameList.add(rs.getString("TYPE_NAME"));
            }
        }
        columns = names;
        widthChecked = false;
        jdbcTypes = types.stream().mapToInt(Integer::intValue).toArray();
        typeNames = typeNameList.toArray(String[]::new);
    }

    @Override
    public void close() {
    }

    @Override
    public void remove() {
    }
}
