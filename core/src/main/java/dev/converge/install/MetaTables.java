package dev.converge.install;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.converge.shadow.ShadowTable;
import java.time.LocalDateTime;
import java.util.List;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * Converge's own tables in a node's database, all named {@code cv_*}: their jOOQ definitions, used by the installer
 * to create them and by the queues, the apply engine and the conflict store to read and write them.
 *
 * <p>Constants only; thread-safe.
 */
public final class MetaTables {
    private MetaTables() {
    }

    /**
     * One row: this node's id, the hybrid clock's floor as applies raise it (the greatest timestamp the apply engine
     * applied, or the sequencer gave out before metadata version 6; the sequencer's own is {@link #SEQUENCER_FLOOR},
     * see {@code HybridClock}), the count of applied ChangeSets, a wall-clock override. Every apply locks it for its
     * whole transaction.
     */
    public static final Table<Record> CLOCK = table(name("cv_clock"));
    public static final Field<Integer> CLOCK_ID = field(name("id"), SQLDataType.INTEGER.notNull());
    public static final Field<String> CLOCK_NODE = field(name("node_id"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> CLOCK_WALL_OVERRIDE = field(name("wall_override"), SQLDataType.BIGINT.nullable(true));
    public static final Field<Long> CLOCK_FLOOR = field(name("floor_ts"), SQLDataType.BIGINT.notNull());
    public static final Field<Long> CLOCK_APPLIED_N = field(name("applied_n"), SQLDataType.BIGINT.notNull());
    public static final Field<Long> CLOCK_INITIAL = field(name("initial_ts"), SQLDataType.BIGINT.notNull());

    /**
     * One row: the sequencer's lock and the greatest timestamp it has given out. Sequencing passes (and a sequence
     * catch-up) lock this row, not {@link #CLOCK}'s, which applies hold for their whole transaction: so a node
     * sequences while it applies, and an apply has the local transactions it must judge against sequenced on a
     * connection of its own instead of waiting behind a sequencing pass that waits for it. A sequencing pass stamps
     * with the greater of this floor and {@link #CLOCK_FLOOR} (the floor applies raise), read after it found what to
     * sequence: see {@code OutboundQueue}. Added in metadata version 6.
     */
    public static final Table<Record> SEQUENCER = table(name("cv_sequencer"));
    public static final Field<Integer> SEQUENCER_ID = field(name("id"), SQLDataType.INTEGER.notNull());
    public static final Field<Long> SEQUENCER_FLOOR = field(name("floor_ts"), SQLDataType.BIGINT.notNull());

    /** The replicated tables as installed: what the H2 capture trigger reads at start-up. */
    public static final Table<Record> TABLES = table(name("cv_table"));
    public static final Field<String> TABLES_NAME = field(name("name"), SQLDataType.VARCHAR(128).notNull());
    public static final Field<String> TABLES_KEY = field(name("key_columns"), SQLDataType.VARCHAR(4000).notNull());
    public static final Field<String> TABLES_COLUMNS = field(name("replicated_columns"), SQLDataType.VARCHAR(4000).notNull());
    public static final Field<String> TABLES_FILTER = field(name("row_filter"), SQLDataType.VARCHAR(4000).nullable(true));
    /**
     * The name of the table's shadow table as installed, so that removing the table drops exactly that one whatever
     * the naming rule is by then; NULL in installations made before the column existed ({@code cv_shadow_<table>}).
     */
    public static final Field<String> TABLES_SHADOW = field(name("shadow_table"), SQLDataType.VARCHAR(128).nullable(true));

    /**
     * Captured row operations, written by the capture triggers in the user's transaction: one row per statement on
     * PostgreSQL (its images aggregated into JSON arrays), one per row operation on H2 (arrays of one). {@code op} is
     * the statement's kind; in an {@code U} row an element with only an after (before) image is an insert (delete).
     * The match arrays hold the row filter's verdict per element; NULL means every image matched (no filter).
     */
    public static final Table<Record> OUTBOX = table(name("cv_outbox"));
    public static final Field<Long> OUTBOX_ID = field(name("id"), SQLDataType.BIGINT.notNull().identity(true));
    public static final Field<String> OUTBOX_TX = field(name("tx_key"), SQLDataType.VARCHAR(64).notNull());
    public static final Field<String> OUTBOX_TABLE = field(name("tbl"), SQLDataType.VARCHAR(128).notNull());
    public static final Field<String> OUTBOX_OP = field(name("op"), SQLDataType.CHAR(1).notNull());
    /**
     * The wall clock's reading when capture ran, packed like a {@code HybridTimestamp} with counter 0: a hint the
     * sequencer turns into the transaction's timestamp ({@code HybridClock.stamp}), not a timestamp itself. The column
     * keeps the name {@code ts} it had when capture stamped, so existing outboxes need no migration.
     */
    public static final Field<Long> OUTBOX_WALL = field(name("ts"), SQLDataType.BIGINT.notNull());
    public static final Field<Long> OUTBOX_APPLIED_N = field(name("applied_n"), SQLDataType.BIGINT.notNull());

    public static Field<Object> outboxBefore(SQLDialect d) {
        return field(name("before_img"), outboxJson(d));
    }

    public static Field<Object> outboxAfter(SQLDialect d) {
        return field(name("after_img"), outboxJson(d));
    }

    public static Field<Object> outboxBeforeMatch(SQLDialect d) {
        return field(name("before_match"), outboxJson(d));
    }

    public static Field<Object> outboxAfterMatch(SQLDialect d) {
        return field(name("after_match"), outboxJson(d));
    }

    /**
     * JSON text: {@code json} on PostgreSQL, not {@code jsonb}, because capture writes it once and reads it once as text;
     * jsonb's binary form would cost a conversion on each side for nothing.
     */
    @SuppressWarnings("unchecked")
    private static DataType<Object> outboxJson(SQLDialect d) {
        DataType<?> type = d.family() == SQLDialect.POSTGRES ? SQLDataType.JSON : SQLDataType.CLOB;
        return (DataType<Object>) type.nullable(true);
    }

    /** Local transactions in commit order: the per-origin sequence, once assigned, and the causal dependencies. */
    public static final Table<Record> OUTBOX_TX_TABLE = table(name("cv_outbox_tx"));
    public static final Field<Long> OTX_SEQ = field(name("seq"), SQLDataType.BIGINT.notNull());
    public static final Field<String> OTX_TX = field(name("tx_key"), SQLDataType.VARCHAR(64).notNull());
    /** The transaction's hybrid timestamp, given at sequencing: its ChangeSet's, and every change's in it. */
    public static final Field<Long> OTX_TS = field(name("ts"), SQLDataType.BIGINT.notNull());
    public static final Field<String> OTX_DEPS = field(name("deps"), SQLDataType.VARCHAR(4000).notNull());
    /**
     * How many row operations capture recorded for the transaction (the backlog's measure in rows); NULL for
     * transactions sequenced before metadata version 3, and for the empty ChangeSets of a sequence catch-up.
     */
    public static final Field<Integer> OTX_ROWS = field(name("captured_rows"), SQLDataType.INTEGER.nullable(true));
    /**
     * The running total of {@code captured_rows} through this transaction, so that the rows a peer has not acknowledged
     * are two look-ups by sequence, however long its backlog: the total at the last sequence minus the total before the
     * first one it lacks. NULL where {@code captured_rows} is.
     */
    public static final Field<Long> OTX_ROWS_THROUGH = field(name("rows_through"), SQLDataType.BIGINT.nullable(true));

    /**
     * The net effect of a transaction too large to evaluate in memory (see {@code queue.NetSpool}), evaluated in the
     * database instead: one row per table and row key the transaction touched, holding the first and the last of the
     * row's operations (all the net-effect rules need), then the position its net change is applied at.
     */
    public static final Table<Record> SPOOL = table(name("cv_outbox_net"));
    public static final Field<String> SPOOL_TX = field(name("tx_key"), SQLDataType.VARCHAR(64).notNull());
    public static final Field<String> SPOOL_TABLE = field(name("tbl"), SQLDataType.VARCHAR(128).notNull());
    /** The row key as a SHA-256 of its JSON: a key of any length fits an index. */
    public static final Field<String> SPOOL_KEY = field(name("key_hash"), SQLDataType.VARCHAR(64).notNull());
    /** The order in which the transaction first touched the rows: breaks ties between anchors, as in memory. */
    public static final Field<Long> SPOOL_SEEN = field(name("seen"), SQLDataType.BIGINT.notNull());
    public static final Field<String> SPOOL_FIRST = field(name("first_op"), SQLDataType.CLOB.notNull());
    public static final Field<String> SPOOL_LAST = field(name("last_op"), SQLDataType.CLOB.notNull());
    /** Where the row's net change is applied, once evaluated; NULL before. */
    public static final Field<Long> SPOOL_ANCHOR = field(name("anchor"), SQLDataType.BIGINT.nullable(true));

    /** The transactions whose net effect is spooled, with how many net changes they hold. */
    public static final Table<Record> SPOOLED = table(name("cv_outbox_spooled"));
    public static final Field<String> SPOOLED_TX = field(name("tx_key"), SQLDataType.VARCHAR(64).notNull());
    public static final Field<Long> SPOOLED_ROWS = field(name("net_rows"), SQLDataType.BIGINT.notNull());

    /**
     * Parts of a ChangeSet too large to send in one piece, received and stored until every part is here; applied
     * together, in one transaction, like a ChangeSet sent whole.
     */
    public static final Table<Record> INBOX_PARTS = table(name("cv_inbox_part"));
    public static final Field<String> IPART_ORIGIN = field(name("origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> IPART_SEQ = field(name("seq"), SQLDataType.BIGINT.notNull());
    public static final Field<Integer> IPART_PART = field(name("part"), SQLDataType.INTEGER.notNull());
    public static final Field<Integer> IPART_PARTS = field(name("parts"), SQLDataType.INTEGER.notNull());
    public static final Field<String> IPART_PAYLOAD = field(name("payload"), SQLDataType.CLOB.notNull());

    /** What each peer has acknowledged of this node's ChangeSets. */
    public static final Table<Record> PEERS = table(name("cv_peer"));
    public static final Field<String> PEER_ID = field(name("peer"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> PEER_ACKED = field(name("acked_seq"), SQLDataType.BIGINT.notNull());
    /**
     * When this node marked the peer for resync (epoch milliseconds; NULL: not marked): it stayed away past the backlog
     * limit, so nothing is kept for it any more and it must reload its data from a snapshot (see
     * {@code dev.converge.backlog}). Added in metadata version 3.
     */
    public static final Field<Long> PEER_RESYNC_SINCE = field(name("resync_since"), SQLDataType.BIGINT.nullable(true));
    /** Why it was marked, as a sentence naming the limit ({@code it was away longer than max_backlog_age=2h}). */
    public static final Field<String> PEER_RESYNC_REASON = field(name("resync_reason"), SQLDataType.VARCHAR(1000).nullable(true));
    /** When the peer said it had marked this node for resync (epoch milliseconds, the peer's clock; NULL: it has not). */
    public static final Field<Long> PEER_TOLD_SINCE = field(name("told_resync_since"), SQLDataType.BIGINT.nullable(true));
    /** The peer's reason for that mark. */
    public static final Field<String> PEER_TOLD_REASON = field(name("told_resync_reason"), SQLDataType.VARCHAR(1000).nullable(true));
    /**
     * When the peer was removed from the mesh for good ({@code converge peer remove}; epoch milliseconds; NULL: it was
     * not): it holds nothing back and its requests are refused.
     */
    public static final Field<Long> PEER_DEPARTED = field(name("departed_since"), SQLDataType.BIGINT.nullable(true));

    /**
     * Per peer, its latest heartbeat ({@link dev.converge.transport.Heartbeat}): the last sequence it had given its own
     * transactions and what it had applied of every origin (JSON, origin to sequence) when it sent it.
     */
    public static final Table<Record> HEARTBEATS = table(name("cv_heartbeat"));
    public static final Field<String> HB_PEER = field(name("peer"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> HB_SEQ = field(name("last_seq"), SQLDataType.BIGINT.notNull());
    public static final Field<String> HB_APPLIED = field(name("applied"), SQLDataType.VARCHAR(4000).notNull());

    /** Per origin, the highest sequence applied here (every lower one is applied too). */
    public static final Table<Record> APPLIED = table(name("cv_applied"));
    public static final Field<String> APPLIED_ORIGIN = field(name("origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> APPLIED_SEQ = field(name("seq"), SQLDataType.BIGINT.notNull());
    /** The latest timestamp applied from that origin: part of the shadow purge horizon. */
    public static final Field<Long> APPLIED_TS = field(name("max_ts"), SQLDataType.BIGINT.notNull());
    /**
     * The dependencies of the last ChangeSet applied from that origin (JSON, origin to sequence): what that origin had
     * applied when it wrote it, so every later ChangeSet of it comes after those writes. Decides which tombstones can go.
     */
    public static final Field<String> APPLIED_DEPS = field(name("deps"), SQLDataType.VARCHAR(4000).nullable(true));

    /**
     * The order in which ChangeSets were applied here: turns a local write's applied count into its dependencies.
     * Trimmed by {@code queue.History}: below its floor only each origin's last entry is kept, as a summary.
     */
    public static final Table<Record> APPLIED_LOG = table(name("cv_applied_log"));
    public static final Field<String> ALOG_ORIGIN = field(name("origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> ALOG_SEQ = field(name("seq"), SQLDataType.BIGINT.notNull());
    public static final Field<Long> ALOG_N = field(name("applied_n"), SQLDataType.BIGINT.notNull());

    /** ChangeSets received and stored but not applied yet (waiting for their turn or their dependencies). */
    public static final Table<Record> INBOX = table(name("cv_inbox"));
    public static final Field<String> INBOX_ORIGIN = field(name("origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> INBOX_SEQ = field(name("seq"), SQLDataType.BIGINT.notNull());
    public static final Field<String> INBOX_PAYLOAD = field(name("payload"), SQLDataType.CLOB.notNull());

    /**
     * The local transactions capture recorded and the sequencer has not numbered yet, one row each, written by capture
     * in the transaction itself (with its first captured row; on PostgreSQL once per statement, a second time doing
     * nothing) and deleted by the sequencing pass that numbers it. So the sequencer finds what waits by reading this
     * small table instead of grouping the whole outbox, which holds every ChangeSet some peer has not acknowledged: a
     * pass costs what is new, not what the slowest peer lags by. A transaction rolled back, or rolled back to a savepoint
     * before its rows, takes its row with it. Added in metadata version 5.
     */
    public static final Table<Record> UNSEQUENCED = table(name("cv_unsequenced"));
    public static final Field<String> UNSEQ_TX = field(name("tx_key"), SQLDataType.VARCHAR(64).notNull());

    /**
     * ChangeSets of other origins applied here, kept as received (the codec's JSON, one row per whole ChangeSet, or per
     * part of one that travelled in parts, {@code part} 0 for a whole one) until every other peer still kept is known to
     * have applied them: so that if their origin leaves the mesh before reaching every peer, this node relays them to the
     * survivors that lack them (see {@code dev.converge.relay}). Written in the apply transaction; trimmed by
     * {@code queue.History}. Added in metadata version 4.
     */
    public static final Table<Record> RELAY = table(name("cv_relay"));
    public static final Field<String> RELAY_ORIGIN = field(name("origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> RELAY_SEQ = field(name("seq"), SQLDataType.BIGINT.notNull());
    public static final Field<Integer> RELAY_PART = field(name("part"), SQLDataType.INTEGER.notNull());
    /** The ChangeSet's hybrid timestamp: the age the backlog limit bounds retention by. */
    public static final Field<Long> RELAY_TS = field(name("ts"), SQLDataType.BIGINT.notNull());
    /** How many changes it holds: the rows the backlog limit bounds retention by. */
    public static final Field<Integer> RELAY_CHANGES = field(name("changes"), SQLDataType.INTEGER.notNull());
    public static final Field<String> RELAY_PAYLOAD = field(name("payload"), SQLDataType.CLOB.notNull());

    /**
     * How far each kind of bookkeeping has been trimmed, so that a purge starts where the last one ended (see
     * {@code queue.History}): {@code what} names the kind, {@code tbl} and {@code origin} narrow it where it is per
     * replicated table or per origin ({@code ''} where not), {@code mark} is the position (a sequence, an applied count or
     * a packed hybrid timestamp).
     */
    public static final Table<Record> PURGE_MARKS = table(name("cv_purge_mark"));
    public static final Field<String> PM_WHAT = field(name("what"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<String> PM_TABLE = field(name("tbl"), SQLDataType.VARCHAR(128).notNull());
    public static final Field<String> PM_ORIGIN = field(name("origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> PM_MARK = field(name("mark"), SQLDataType.BIGINT.notNull());

    /** Conflicts this node detected. */
    public static final Table<Record> CONFLICTS = table(name("cv_conflict"));
    public static final Field<Long> C_ID = field(name("id"), SQLDataType.BIGINT.notNull().identity(true));
    public static final Field<LocalDateTime> C_DETECTED = field(name("detected_time"), SQLDataType.LOCALDATETIME(3).notNull());
    public static final Field<String> C_TYPE = field(name("type"), SQLDataType.VARCHAR(32).notNull());
    public static final Field<String> C_TABLE = field(name("tbl"), SQLDataType.VARCHAR(128).notNull());
    public static final Field<String> C_KEY = field(name("row_key"), SQLDataType.VARCHAR(4000).nullable(true));
    public static final Field<String> C_LOCAL = field(name("local_image"), SQLDataType.CLOB.nullable(true));
    public static final Field<String> C_REMOTE = field(name("remote_image"), SQLDataType.CLOB.nullable(true));
    public static final Field<String> C_SHADOW = field(name("shadow_image"), SQLDataType.CLOB.nullable(true));
    public static final Field<Long> C_LOCAL_TS = field(name("local_ts"), SQLDataType.BIGINT.nullable(true));
    public static final Field<String> C_LOCAL_ORIGIN = field(name("local_origin"), SQLDataType.VARCHAR(16).nullable(true));
    public static final Field<Long> C_REMOTE_TS = field(name("remote_ts"), SQLDataType.BIGINT.notNull());
    public static final Field<String> C_REMOTE_ORIGIN = field(name("remote_origin"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<Long> C_CS_SEQ = field(name("cs_seq"), SQLDataType.BIGINT.notNull());
    public static final Field<String> C_SCOPE = field(name("scope"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<String> C_RESOLVER = field(name("resolver"), SQLDataType.VARCHAR(200).notNull());
    public static final Field<String> C_OUTCOME = field(name("outcome"), SQLDataType.VARCHAR(32).notNull());
    public static final Field<String> C_STATUS = field(name("status"), SQLDataType.VARCHAR(32).notNull());
    public static final Field<String> C_DETAIL = field(name("detail"), SQLDataType.CLOB.nullable(true));
    /**
     * The sequence of the local side's write (with {@code local_origin} it names that write's ChangeSet): with the
     * incoming ChangeSet, the pair of writes that identifies one logical conflict on every peer. NULL in records made
     * before the column existed, and where the local row had no write since replication started.
     */
    public static final Field<Long> C_LOCAL_SEQ = field(name("local_seq"), SQLDataType.BIGINT.nullable(true));
    /** A person's decision on the conflict (see {@code dev.converge.decision}): who, when, at which node, what, why. NULL until decided. */
    public static final Field<String> C_DECIDED_BY = field(name("decided_by"), SQLDataType.VARCHAR(200).nullable(true));
    public static final Field<LocalDateTime> C_DECIDED_TIME = field(name("decided_time"), SQLDataType.LOCALDATETIME(3).nullable(true));
    public static final Field<String> C_DECIDED_AT = field(name("decided_at"), SQLDataType.VARCHAR(16).nullable(true));
    public static final Field<String> C_DECISION = field(name("decision"), SQLDataType.VARCHAR(4000).nullable(true));
    public static final Field<String> C_DECISION_COMMENT = field(name("decision_comment"), SQLDataType.CLOB.nullable(true));

    /**
     * Decisions taken by hand at this node, one row per decision transaction, written in that transaction: the
     * sequencer puts {@code metadata} (JSON, names to texts) on the transaction's ChangeSet and marks the rows it wrote
     * as a decision's. Also the node's audit log of its own decisions.
     */
    public static final Table<Record> DECISIONS = table(name("cv_decision"));
    public static final Field<String> D_TX = field(name("tx_key"), SQLDataType.VARCHAR(64).notNull());
    public static final Field<Long> D_CONFLICT = field(name("conflict_id"), SQLDataType.BIGINT.notNull());
    public static final Field<String> D_METADATA = field(name("metadata"), SQLDataType.CLOB.notNull());
    /**
     * The rows the decision set (JSON: table, key, image or none for a delete, image before): the sequencer adds a change
     * for each row whose write left no net change (a decision for the row as it already stands), so that the decided
     * row travels and wins everywhere all the same.
     */
    public static final Field<String> D_ROWS = field(name("decided_rows"), SQLDataType.CLOB.nullable(true));

    /** Which version of these tables the database holds (see {@link MetadataSchema}): one row. */
    public static final Table<Record> SCHEMA = table(name("cv_schema"));
    public static final Field<Integer> SCHEMA_ID = field(name("id"), SQLDataType.INTEGER.notNull());
    public static final Field<Integer> SCHEMA_VERSION = field(name("version"), SQLDataType.INTEGER.notNull());

    /** Every table the installer creates besides the shadow tables, in creation order. */
    public static List<Table<Record>> all() {
        return List.of(SCHEMA, CLOCK, TABLES, OUTBOX, OUTBOX_TX_TABLE, PEERS, APPLIED, APPLIED_LOG, INBOX, CONFLICTS, PURGE_MARKS, SPOOL, SPOOLED,
            INBOX_PARTS, HEARTBEATS, DECISIONS, RELAY, UNSEQUENCED, SEQUENCER);
    }

    static DataType<Object> image(SQLDialect d) {
        return ShadowTable.imageType(d);
    }
}
