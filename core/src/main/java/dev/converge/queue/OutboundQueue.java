package dev.converge.queue;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridClock;
import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ReplicatedTable;
import dev.converge.decision.DecisionMarks;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.neteffect.NetEffect;
import dev.converge.neteffect.RawChange;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.Lineage;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The outbound side of a node: sequences committed local transactions and reads them back as ChangeSets.
 *
 * <p><b>Why sequencing happens here and not in the trigger:</b> a trigger cannot know its transaction's commit order.
 * The sequencer runs in its own transaction and sees only committed transactions, each whole; it gives every
 * transaction it has not sequenced yet the next sequence number, ordered by the last row the transaction wrote. A
 * transaction that started earlier but commits later is simply not visible yet and is sequenced on a later pass, so it
 * is never skipped. Ordering by last write respects every dependency between local transactions: a transaction that
 * waited for another's row lock, or read its committed data, wrote its rows after the other committed.
 *
 * <p><b>Why timestamps are given here too:</b> each transaction gets its hybrid timestamp when it is sequenced,
 * {@link HybridClock#stamp}{@code (wall, floor)}, where {@code wall} is the latest wall-clock reading capture recorded
 * for its statements and {@code floor} is the greatest timestamp this node has given out ({@code cv_sequencer.floor_ts})
 * or applied ({@code cv_clock.floor_ts}); the stamp becomes the sequencer's new floor. Every change of the transaction's
 * ChangeSet, and every local row version it leaves, carries that one timestamp. Transactions are sequenced one at a
 * time in commit order under the lock on {@code cv_sequencer}, so a node's timestamps increase strictly with its
 * sequence numbers whatever its wall clock does. A transaction that committed after an apply is stamped after the
 * applied ChangeSet: the apply raised the clock row's floor in its own transaction, which committed before this one
 * did, and a pass reads that floor after the look that found the transaction. A trigger can neither know the commit
 * order nor keep a floor without a lock that every writer would wait for: stamped at capture, two transactions
 * captured before the next sequencing pass were ordered by their wall clock, backwards after a clock step.
 *
 * <p><b>Why the sequencer has a row of its own.</b> An apply locks the clock row for its whole transaction (applies
 * exclude one another and manual decisions on it, and its applied count must follow commit order). When sequencing
 * took that lock too, a node's applies and sequencing passes took turns. Now a pass reads the clock row without
 * locking it, so sequencing and delivery go on while the node applies; and an apply has the local transactions it
 * must judge against sequenced, and committed, before it reads their versions (see {@code apply.LocalRows}).
 *
 * <p>Thread-safe: its only state is the net-effect cache (Caffeine, thread-safe); every method works in the caller's
 * transaction, and concurrent sequencers are serialised by the database, on the lock each takes on
 * {@code cv_sequencer}. A sequencer never waits for the clock row's lock, so an apply that holds it may wait for a
 * sequencer (on another connection) without a deadlock.
 */
public final class OutboundQueue {
    private final NodeId self;
    private final Map<String, BoundTable> tables;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final Set<String> stamped;
    /** The tables whose rows' versions keep a lineage, and what every peer has seen, which it may forget. */
    private final Set<String> lineaged;
    private final Horizon horizon;
    /**
     * Net effects by sequence, as the sequencer computed them for the row versions: reading a ChangeSet for a peer
     * soon after would otherwise read and parse its captured rows a second time (and once more per peer). A sequenced
     * transaction never changes, so an entry never goes stale; the cache is bounded by the size of the values it holds
     * ({@link #weight}), forgets what every peer has acknowledged, and anything evicted is read from the outbox again.
     * Keyed by sequence, transaction and timestamp together: should the sequencing transaction roll back, the same
     * sequence may later go to another transaction, or the same transaction get another timestamp.
     */
    private final Cache<Sequenced, List<Change>> netEffects;
    /** Transactions too large to evaluate in memory are evaluated in the database and read back in parts. */
    private final NetSpool spool;

    private record Sequenced(long sequence, String txKey, long timestamp) {
    }

    /**
     * What the net-effect cache holds at most, in bytes as {@link #weight} estimates them: an eighth of the heap, at
     * most 64 MB, so that a small heap still has room for the batches that stream past it.
     */
    static final long CACHED_WEIGHT = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);

    /**
     * The bytes the changes take on the heap, roughly: a change with its key and images (records, maps and their entries)
     * about 200 bytes, each value about 48 (an entry and a boxed value), a text two bytes a character more.
     */
    static int weight(List<Change> changes) {
        long w = 64;
        for (Change c : changes) {
            w += 200 + weight(c.before()) + weight(c.after());
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    private static long weight(java.util.Optional<RowImage> image) {
        long w = 0;
        if (image.isPresent()) {
            for (Object v : image.get().values().values()) {
                w += 48 + (v instanceof String text ? 2L * text.length() : 0);
            }
        }
        return w;
    }

    public OutboundQueue(NodeId self, List<BoundTable> tables) {
        this(self, tables, Set.of(), Set.of(), new Horizon(true), CACHED_WEIGHT);
    }

    /**
     * @param stamped the tables whose rows' versions keep the write that last changed each column: those of a merging
     *     resolver ({@link dev.converge.conflict.ConflictResolver#merges()})
     */
    public OutboundQueue(NodeId self, List<BoundTable> tables, Set<String> stamped) {
        this(self, tables, stamped, Set.of(), new Horizon(true), CACHED_WEIGHT);
    }

    /**
     * @param stamped as above
     * @param lineaged the tables whose rows' versions keep their lineage ({@link Lineage}): those of a resolver that
     *     compares histories ({@link dev.converge.conflict.ConflictResolver#comparesHistories()})
     * @param horizon what every peer has seen, which a lineage may forget
     */
    public OutboundQueue(NodeId self, List<BoundTable> tables, Set<String> stamped, Set<String> lineaged, Horizon horizon) {
        this(self, tables, stamped, lineaged, horizon, CACHED_WEIGHT);
    }

    /** With a net-effect cache of at most {@code cacheWeight} (tests use a tiny one to check that misses are harmless). */
    OutboundQueue(NodeId self, List<BoundTable> tables, long cacheWeight) {
        this(self, tables, Set.of(), Set.of(), new Horizon(true), cacheWeight);
    }

    private OutboundQueue(NodeId self, List<BoundTable> tables, Set<String> stamped, Set<String> lineaged, Horizon horizon, long cacheWeight) {
        this.stamped = Set.copyOf(stamped);
        this.lineaged = Set.copyOf(lineaged);
        this.horizon = horizon;
        this.netEffects = Caffeine.newBuilder().maximumWeight(cacheWeight).weigher((Sequenced tx, List<Change> changes) -> weight(changes))
            .build();
        this.self = self;
        this.tables = new LinkedHashMap<>();
        tables.forEach(t -> this.tables.put(t.name(), t));
        this.spool = new NetSpool(this.tables);
    }

    /**
     * Gives the next sequence numbers, and their timestamps, to every local transaction committed before the call and
     * not yet sequenced; returns how many.
     *
     * <p>Does not chase writers. Passes run in the caller's one transaction, which holds the sequencer's lock from the
     * first pass on (an apply has its local transactions sequenced first and waits for it), so passes that went on
     * while writers keep committing would hold that lock — and keep what they sequenced from being shipped — for as
     * long as the writers write. After the first pass, the passes take only transactions whose last row was captured by then (every
     * transaction committed before the call was): a finite set, so the call ends; what commits later is the next
     * call's.
     */
    public int sequence(DSLContext tx) {
        int total = 0;
        long through = Long.MAX_VALUE;
        for (int pass; (pass = sequencePass(tx, through)) > 0; ) {
            total += pass;
            if (through == Long.MAX_VALUE) {
                Long last = tx.select(max(OUTBOX_ID)).from(OUTBOX).fetchOne(0, Long.class);
                through = last == null ? 0 : last;
            }
        }
        return total;
    }

    /**
     * Sequences the oldest committed transactions not sequenced yet, one pass' worth (at most
     * {@link #TRANSACTIONS_PER_PASS} transactions, {@link #OPERATIONS_PER_GROUP} row operations per group); returns how
     * many. For a caller that commits step by step so that what is sequenced can leave while the rest is sequenced;
     * unlike {@link #sequence}, it need not reach every transaction committed before the call.
     */
    public int sequenceStep(DSLContext tx) {
        return sequencePass(tx, Long.MAX_VALUE);
    }

    /**
     * Whether every local transaction committed before the call is sequenced (and its versions committed): nothing is
     * registered as waiting. One indexed look in {@code tx}, which must read committed data (a new snapshot per
     * statement). False until this queue has registered an older install's unlisted transactions, which a pass does.
     */
    public boolean nothingWaits(DSLContext tx) {
        return registeredAll && !committedWaiting(tx);
    }

    /**
     * Whether a committed local transaction is registered as waiting to be sequenced: one indexed look at a small table,
     * no write. What {@link #nothingWaits} and every pass ask first, and a sender between deliveries.
     */
    public static boolean committedWaiting(DSLContext tx) {
        return tx.fetchExists(UNSEQUENCED);
    }

    /** How many transactions one sequencing pass takes at most: a backlog is sequenced in passes of bounded memory. */
    static final int TRANSACTIONS_PER_PASS = 500;

    /**
     * How many captured outbox rows one page of a spooled (too large) transaction holds: on PostgreSQL an outbox row
     * holds up to a thousand row images of one statement, on H2 one.
     */
    static int outboxRowsPerGroup(SQLDialect d) {
        return d.family() == SQLDialect.POSTGRES ? 16 : OPERATIONS_PER_GROUP;
    }

    /**
     * How many captured row operations the net effects of one group of transactions hold at most, and the size past
     * which one transaction is spooled instead: bounds the memory a sequencing pass needs, whatever the backlog. Counted
     * in operations, not outbox rows, so that many small transactions of several statements each (on PostgreSQL an
     * outbox row per statement) are sequenced in a few groups rather than a group every four transactions.
     */
    static final int OPERATIONS_PER_GROUP = 16_000;

    /**
     * Sequences the oldest committed transactions not sequenced yet (at most {@link #TRANSACTIONS_PER_PASS}); returns how many.
     *
     * <p>Looks before it locks: when nothing is waiting (every apply asks, and every sequencing ends with an empty
     * pass) it returns without taking the sequencer's lock. A
     * transaction that commits just after the look is sequenced by the next pass, as one that commits just after a
     * pass always was. When something is waiting, the look is repeated under the lock: another sequencer may have taken
     * it meanwhile.
     */
    private int sequencePass(DSLContext tx, long through) {
        if (!registeredAll) {
            registerUnlisted(tx);
        }
        if (!committedWaiting(tx)) {
            return 0;
        }
        long ownFloor = lockSequencer(tx);
        var pending = pending(tx, TRANSACTIONS_PER_PASS, through);
        if (pending.isEmpty()) {
            if (through == Long.MAX_VALUE) {
                // nothing at all is ready although something is registered: only then can registrations be orphans (a
                // pass limited to what was captured earlier finds nothing whenever writers keep committing)
                forgetEmpty(tx);
            }
            return 0;
        }
        // read after the look that found them, never before: a transaction it found committed after every apply that
        // had committed before it did, and those applies' floor is visible to this later statement (each statement
        // sees what was committed when it began), so it is stamped after what it may have seen applied
        HybridTimestamp floor = HybridTimestamp.max(HybridTimestamp.fromLong(ownFloor), HybridTimestamp.fromLong(appliedFloor(tx)));
        tx.deleteFrom(UNSEQUENCED).where(UNSEQ_TX.in(pending.getValues(0, String.class))).execute();
        Long last = tx.select(max(OTX_SEQ)).from(OUTBOX_TX_TABLE).fetchOne(0, Long.class);
        long next = last == null ? 1 : last + 1;
        long rowsThrough = rowsThrough(tx);
        int pageRows = outboxRowsPerGroup(tx.dialect());
        Map<Long, Map<String, Long>> dependencies = AppliedLog.dependencies(tx, pending.getValues(3, Long.class));
        List<Sequenced> group = new ArrayList<>();
        // each transaction's cv_outbox_tx row, written together before the versions that follow them are (one
        // statement for many small transactions instead of one each)
        List<Object[]> entries = new ArrayList<>();
        int groupOperations = 0;
        for (var p : pending) {
            String deps = ChangeSetCodec.mapper().valueToTree(dependencies.get(p.value4())).toString();
            // the stamp becomes the floor. Capture writes readings with counter 0; a row captured by an earlier version
            // holds max(wall, floor then + 1), and as the floor never goes down the stamp is still at least that
            floor = HybridClock.stamp(HybridTimestamp.fromLong(p.value3()).physicalMillis(), floor);
            int captured = p.value6() == null ? 0 : p.value6();
            rowsThrough += captured;
            entries.add(new Object[] {next, p.value1(), floor.asLong(), deps, captured, rowsThrough});
            // an outbox row holds at least one operation (a transaction sequenced before the counts were kept has 0)
            int operations = Math.max(captured, p.value5());
            if (!group.isEmpty() && groupOperations + operations > OPERATIONS_PER_GROUP) {
                writeEntries(tx, entries);
                writeVersions(tx, group);
                group.clear();
                groupOperations = 0;
            }
            Sequenced s = new Sequenced(next++, p.value1(), floor.asLong());
            if (operations > OPERATIONS_PER_GROUP) {
                // too large for memory: its net effect is evaluated in the database, its versions written page by page
                writeEntries(tx, entries);
                spool.spool(tx, s.txKey(), HybridTimestamp.fromLong(s.timestamp()), pageRows, page -> writeVersions(tx, Map.of(s, page)));
                continue;
            }
            group.add(s);
            groupOperations += operations;
        }
        writeEntries(tx, entries);
        writeVersions(tx, group);
        tx.update(SEQUENCER).set(SEQUENCER_FLOOR, floor.asLong()).where(SEQUENCER_ID.eq(1)).execute();
        return pending.size();
    }

    /**
     * Locks the sequencer's row ({@code cv_sequencer}) for the rest of the caller's transaction and returns its floor,
     * the greatest timestamp the sequencer has given out. Sequencers, a sequence catch-up and the registration of
     * older installs' transactions exclude one another on it. Not the clock row: applies hold that one for their whole
     * transaction, and a sequencer that waited for it would take turns with them.
     */
    public static long lockSequencer(DSLContext tx) {
        Long floor = tx.select(SEQUENCER_FLOOR).from(SEQUENCER).where(SEQUENCER_ID.eq(1)).forUpdate().fetchOne(SEQUENCER_FLOOR);
        if (floor == null) {
            throw new IllegalStateException("cv_sequencer is empty: open the node once to upgrade its metadata");
        }
        return floor;
    }

    /** The clock row's floor as applies raise it (a plain read: the apply that holds the row is not waited for). */
    static long appliedFloor(DSLContext tx) {
        return tx.select(CLOCK_FLOOR).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_FLOOR);
    }

    /** Writes the sequenced transactions' {@code cv_outbox_tx} rows (sequence, key, timestamp, dependencies) and forgets them. */
    private static void writeEntries(DSLContext tx, List<Object[]> entries) {
        if (entries.isEmpty()) {
            return;
        }
        var insert = tx.insertInto(OUTBOX_TX_TABLE).columns(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS, OTX_ROWS, OTX_ROWS_THROUGH);
        for (Object[] e : entries) {
            insert = insert.values((Long) e[0], (String) e[1], (Long) e[2], (String) e[3], (Integer) e[4], (Long) e[5]);
        }
        insert.execute();
        entries.clear();
    }

    /**
     * The running total of captured rows through the last transaction that has one ({@code cv_outbox_tx.rows_through}),
     * 0 if none: one look-up backwards on the primary key, which stops at the first counted transaction (only those
     * sequenced before metadata version 3, or a catch-up's empty ones, have none).
     */
    public static long rowsThrough(DSLContext ctx) {
        Long through = ctx.select(OTX_ROWS_THROUGH).from(OUTBOX_TX_TABLE).where(OTX_ROWS_THROUGH.isNotNull())
            .orderBy(OTX_SEQ.desc()).limit(1).fetchOne(OTX_ROWS_THROUGH);
        return through == null ? 0 : through;
    }

    /**
     * The captured rows of this node's ChangeSets after {@code acknowledged}: the running total at the last one minus
     * the total before the first one after {@code acknowledged} — two look-ups on the primary key, whatever the backlog.
     * Transactions sequenced before the counts were kept count 0.
     */
    public static long rowsAfter(DSLContext ctx, long acknowledged) {
        Long before = ctx.select(OTX_ROWS_THROUGH.minus(OTX_ROWS)).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(acknowledged))
            .and(OTX_ROWS_THROUGH.isNotNull()).orderBy(OTX_SEQ).limit(1).fetchOne(0, Long.class);
        return before == null ? 0 : Math.max(0, rowsThrough(ctx) - before);
    }

    /**
     * Whether this queue has made sure that every committed transaction waiting is registered in {@code cv_unsequenced}
     * (see {@link #registerUnlisted}): once per queue, so once per node opened and per rebinding.
     */
    private volatile boolean registeredAll;

    /**
     * Registers every captured transaction that is neither sequenced nor registered: those an install older than
     * metadata version 5 captured before it was upgraded (its triggers did not register), once, by the full look at the
     * outbox that every pass made before. Under the sequencer's lock, so two sequencers do not both insert.
     */
    private void registerUnlisted(DSLContext tx) {
        lockSequencer(tx);
        Field<String> oTx = DSL.field(DSL.name("o", OUTBOX_TX.getName()), String.class);
        tx.insertInto(UNSEQUENCED).columns(UNSEQ_TX)
            .select(DSL.selectDistinct(oTx).from(OUTBOX.as("o"))
                .where(notExists(selectOne().from(OUTBOX_TX_TABLE).where(OTX_TX.eq(oTx))))
                .and(notExists(selectOne().from(UNSEQUENCED).where(UNSEQ_TX.eq(oTx)))))
            .execute();
        registeredAll = true;
    }

    /**
     * Deletes registrations whose transactions left no captured row (their rows were discarded with a table removed
     * from the configuration) or are sequenced already, so the look before the lock does not keep finding them.
     */
    private static void forgetEmpty(DSLContext tx) {
        tx.deleteFrom(UNSEQUENCED)
            .where(notExists(selectOne().from(OUTBOX).where(OUTBOX_TX.eq(UNSEQUENCED_TX_KEY))))
            .or(DSL.exists(selectOne().from(OUTBOX_TX_TABLE).where(OTX_TX.eq(UNSEQUENCED_TX_KEY))))
            .execute();
    }

    private static final Field<String> UNSEQUENCED_TX_KEY = DSL.field(DSL.name(UNSEQUENCED.getName(), UNSEQ_TX.getName()), String.class);

    /**
     * The oldest committed transactions not sequenced yet, at most {@code limit} and only those whose last captured row's
     * id is at most {@code through}, in the order of their last captured row: key, last row id, last wall reading, last applied count, captured outbox rows, and the row operations they
     * hold (on PostgreSQL an outbox row holds one statement's images, so they are counted in its JSON arrays; on H2 an
     * outbox row is one operation). Found through {@code cv_unsequenced}, so the look reads the waiting transactions'
     * outbox rows only (by {@code cv_outbox_tx_idx}), not the backlog kept for peers. A registered transaction that
     * is somehow sequenced already is left out.
     */
    private static org.jooq.Result<org.jooq.Record6<String, Long, Long, Long, Integer, Integer>> pending(DSLContext tx, int limit,
                                                                                                       long through) {
        var o = OUTBOX.as("o");
        Field<String> oTx = DSL.field(DSL.name("o", OUTBOX_TX.getName()), String.class);
        Field<Long> lastId = max(DSL.field(DSL.name("o", OUTBOX_ID.getName()), Long.class)).as("last_id");
        Field<Long> lastWall = max(DSL.field(DSL.name("o", OUTBOX_WALL.getName()), Long.class)).as("last_wall");
        Field<Long> appliedN = max(DSL.field(DSL.name("o", OUTBOX_APPLIED_N.getName()), Long.class)).as("last_applied_n");
        Field<Integer> rows = DSL.count().as("outbox_rows");
        Field<Integer> operations = capturedOperations(tx.dialect()).as("operations");
        return tx.select(oTx, lastId, lastWall, appliedN, rows, operations)
            .from(UNSEQUENCED).join(o).on(oTx.eq(UNSEQUENCED_TX_KEY))
            .where(notExists(selectOne().from(OUTBOX_TX_TABLE).where(DSL.field(DSL.name(OUTBOX_TX_TABLE.getName(), OTX_TX.getName()), String.class).eq(oTx))))
            .groupBy(oTx)
            .having(through == Long.MAX_VALUE ? DSL.noCondition() : max(DSL.field(DSL.name("o", OUTBOX_ID.getName()), Long.class)).le(through))
            .orderBy(lastId)
            .limit(limit)
            .fetch();
    }

    /** The row operations a group of a transaction's outbox rows holds (see {@link #pending}). */
    private static Field<Integer> capturedOperations(SQLDialect d) {
        if (d.family() != SQLDialect.POSTGRES) {
            return DSL.count();
        }
        Field<Object> images = DSL.coalesce(DSL.field(DSL.name("o", outboxAfter(d).getName())), DSL.field(DSL.name("o", outboxBefore(d).getName())));
        // a decision's captured row has no images at all: NULL, which the sum skips
        return DSL.coalesce(DSL.sum(DSL.field("json_array_length({0})", Integer.class, images)), DSL.inline(java.math.BigDecimal.ZERO))
            .cast(Integer.class);
    }

    /**
     * Gives every row the newly sequenced transactions changed its local version, from their net effect: a live version
     * or a tombstone (with the deleted image) stamped with the change's timestamp, this node and the sequence.
     *
     * <p><b>Why here and not in the capture trigger:</b> a row's version must be exactly what the peers learn about it,
     * or this node judges later conflicts on that row differently from them and the peers diverge. Peers learn the net
     * effect, and a trigger cannot know it: a no-op update, an update undone in the same transaction, an update of
     * columns outside the replicated subset, or a row inserted and deleted again ship nothing, so they must leave the
     * row's version as it was. Transactions are handled in sequence order, so a row's last writer wins. A version
     * carries its transaction's timestamp, as the change shipped to the peers does.
     *
     * <p><b>A local write after a merge.</b> The version of a local write is that write alone, even when the row held a
     * merge of concurrent writes: this node had applied every one of them before it wrote, so they are in the write's
     * causal past (its ChangeSet's dependencies) and a peer that sees the write saw them (see
     * {@link RowVersion}). Only the column stamps of a merging resolver's table ({@code stamped}) need what the row had:
     * a column the write left alone keeps its stamp, so those rows' versions are read first (one query per table and
     * chunk of keys).
     */
    private void writeVersions(DSLContext tx, Collection<Sequenced> sequenced) {
        Map<String, List<RawChange>> raw = rawChanges(tx, sequenced);
        Map<String, DecisionMarks.Mark> marks = DecisionMarks.of(tx, sequenced.stream().map(Sequenced::txKey).toList());
        Map<Sequenced, List<Change>> nets = new LinkedHashMap<>();
        for (Sequenced s : sequenced) {
            List<Change> net = decided(marks.get(s.txKey()), s, NetEffect.of(raw.getOrDefault(s.txKey(), List.of()), tableSpecs()));
            netEffects.put(s, net);
            nets.put(s, net);
        }
        writeVersions(tx, nets, marks.keySet());
    }

    /** The versions these net effects leave, transactions in sequence order. */
    private void writeVersions(DSLContext tx, Map<Sequenced, List<Change>> nets) {
        writeVersions(tx, nets, DecisionMarks.of(tx, nets.keySet().stream().map(Sequenced::txKey).toList()).keySet());
    }

    /** As above, knowing which of the transactions are decisions ({@code decisions}: their keys). */
    private void writeVersions(DSLContext tx, Map<Sequenced, List<Change>> nets, Set<String> decisions) {
        Map<BoundTable, Map<RowKey, RowVersion>> byTable = previousStamps(tx, nets.values());
        Map<Long, Map<String, Long>> histories = lineageHistories(tx, nets);
        for (Map.Entry<Sequenced, List<Change>> e : nets.entrySet()) {
            long seq = e.getKey().sequence();
            boolean decision = decisions.contains(e.getKey().txKey());
            for (Change c : e.getValue()) {
                BoundTable t = tables.get(c.table());
                List<Object> key = t.typedKey(c.key());
                long ts = c.timestamp().asLong();
                RowVersion own = c.after().isPresent() ? RowVersion.live(key, ts, self.value(), seq)
                    : RowVersion.tombstone(key, ts, self.value(), seq, ChangeSetCodec.imageToJson(c.before().orElseThrow()));
                own = decision ? own.asDecision() : own; // a person's decision: see dev.converge.decision.DecisionRule
                Map<RowKey, RowVersion> versions = byTable.computeIfAbsent(t, k -> new LinkedHashMap<>());
                List<String> columns = stamped.contains(t.name()) ? t.spec().columns() : List.of();
                Set<String> changed = columns.stream().filter(c::sets).collect(Collectors.toSet());
                Optional<RowVersion> previous = Optional.ofNullable(versions.get(c.key()));
                RowVersion next = RowVersion.followed(previous, own, changed, columns);
                if (lineaged.contains(t.name())) {
                    // a local write saw everything applied to the row here: its history is its dependencies and itself
                    Map<String, Long> history = histories.get(seq);
                    next = next.withLineage(Lineage.of(previous).after(next.entry(), history).trimmed(horizon.of(tx, t.name())));
                }
                versions.put(c.key(), next);
            }
        }
        byTable.forEach((t, versions) -> shadows.write(tx, t.shadow(), new ArrayList<>(versions.values())));
    }

    /**
     * What every peer has seen, as this queue reads it: the apply shares it, so that when it sequences in its own
     * transaction, that sequencing and its judging read the purge marks once per transaction.
     */
    public Horizon horizon() {
        return horizon;
    }

    /** Whether the rows of {@code table} keep a lineage in their versions ({@link Lineage}). */
    public boolean keepsLineage(String table) {
        return lineaged.contains(table);
    }

    /**
     * The history vectors of the sequenced transactions that write rows of lineage tables, by sequence: their
     * dependencies as stored in {@code cv_outbox_tx} and this node through the sequence. One read, only if needed.
     */
    private Map<Long, Map<String, Long>> lineageHistories(DSLContext tx, Map<Sequenced, List<Change>> nets) {
        List<Long> seqs = new ArrayList<>();
        nets.forEach((s, net) -> {
            if (net.stream().anyMatch(c -> lineaged.contains(tables.get(c.table()).name()))) {
                seqs.add(s.sequence());
            }
        });
        Map<Long, Map<String, Long>> out = new HashMap<>();
        if (seqs.isEmpty()) {
            return out;
        }
        tx.select(OTX_SEQ, OTX_DEPS).from(OUTBOX_TX_TABLE).where(OTX_SEQ.in(seqs)).fetch().forEach(r -> {
            Map<String, Long> deps = new HashMap<>();
            parseDeps(r.value2()).forEach((origin, s) -> deps.put(origin.value(), s));
            out.put(r.value1(), Lineage.history(self.value(), r.value1(), deps));
        });
        return out;
    }

    /**
     * The current versions of the rows these net effects write that need what the row had: updates of stamped tables
     * (a column left alone keeps its stamp) and every write of a lineage table (the row's lineage goes on).
     */
    private Map<BoundTable, Map<RowKey, RowVersion>> previousStamps(DSLContext tx, Collection<List<Change>> nets) {
        Map<BoundTable, Map<RowKey, Change>> updated = new LinkedHashMap<>();
        for (List<Change> net : nets) {
            for (Change c : net) {
                BoundTable t = tables.get(c.table());
                if (stamped.contains(t.name()) && c instanceof Change.Update || lineaged.contains(t.name())) {
                    updated.computeIfAbsent(t, k -> new LinkedHashMap<>()).put(c.key(), c);
                }
            }
        }
        Map<BoundTable, Map<RowKey, RowVersion>> out = new LinkedHashMap<>();
        updated.forEach((t, changes) -> {
            Map<RowKey, RowVersion> found = out.computeIfAbsent(t, k -> new LinkedHashMap<>());
            List<List<Object>> keys = changes.keySet().stream().map(t::typedKey).toList();
            shadows.versions(tx, t.shadow(), keys).values().forEach(v -> found.put(t.keyOf(v.key()), v));
        });
        return out;
    }

    /**
     * The ChangeSets after {@code afterSequence}, in order, at most {@code limit}: exactly as the sequencer built them,
     * whether their net effect is still cached or read from the outbox again (each change carries its transaction's
     * timestamp as stored at sequencing, never a wall reading).
     */
    public List<ChangeSet> read(DSLContext ctx, long afterSequence, int limit) {
        return read(ctx, afterSequence, limit, CHANGES_PER_READ);
    }

    /** How many row changes one read hands out at most (but always at least one ChangeSet): a batch's memory is bounded. */
    public static final int CHANGES_PER_READ = 20_000;

    /**
     * The ChangeSets after {@code afterSequence}, in order: at most {@code limit} of them, and no more once they hold
     * {@code maxChanges} row changes (the first is always included, however large).
     */
    public List<ChangeSet> read(DSLContext ctx, long afterSequence, int limit, int maxChanges) {
        return read(ctx, afterSequence, 1, limit, maxChanges);
    }

    /**
     * As {@link #read(DSLContext, long, int, int)}, for a reader that already has the first {@code fromPart - 1} parts
     * of the next ChangeSet. A transaction too large for one piece is handed out in parts ({@link ChangeSet#part()},
     * {@value NetSpool#PART_CHANGES} changes each), never with another ChangeSet: the read stops before it, or returns
     * only parts of it, from {@code fromPart} on, as many as {@code maxChanges} allows (at least one).
     */
    public List<ChangeSet> read(DSLContext ctx, long afterSequence, int fromPart, int limit, int maxChanges) {
        var txs = ctx.select(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(afterSequence))
            .orderBy(OTX_SEQ).limit(limit).fetch();
        Map<String, Long> spooled = spool.spooled(ctx, txs.getValues(OTX_TX));
        Map<String, DecisionMarks.Mark> marks = DecisionMarks.of(ctx, txs.getValues(OTX_TX)); // decisions: metadata, decided rows
        List<ChangeSet> out = new ArrayList<>();
        int changeCount = 0;
        for (var t : txs) {
            if (!out.isEmpty() && changeCount >= maxChanges) {
                break;
            }
            Sequenced s = new Sequenced(t.value1(), t.value2(), t.value3());
            Long spooledRows = spooled.get(s.txKey());
            if (spooledRows != null) {
                ChangeSet header = new ChangeSet(self, s.sequence(), HybridTimestamp.fromLong(s.timestamp()), parseDeps(t.value4()), List.of(),
                    metadataOf(marks.get(s.txKey())));
                if (spooledRows <= NetSpool.PART_CHANGES) {
                    List<Change> changes = spool.part(ctx, s.txKey(), header.timestamp(), 1, NetSpool.PART_CHANGES);
                    changeCount += changes.size();
                    out.add(header.withChanges(changes));
                    continue;
                }
                if (out.isEmpty()) {
                    int parts = (int) ((spooledRows + NetSpool.PART_CHANGES - 1) / NetSpool.PART_CHANGES);
                    int from = s.sequence() == afterSequence + 1 ? Math.max(1, Math.min(fromPart, parts)) : 1;
                    for (int part = from; part <= parts && (part == from || changeCount < maxChanges); part++) {
                        List<Change> changes = spool.part(ctx, s.txKey(), header.timestamp(), part, NetSpool.PART_CHANGES);
                        changeCount += changes.size();
                        out.add(header.asPart(part, parts, changes));
                    }
                }
                break;
            }
            // look the transaction up once and keep what was found: an entry may be evicted at any moment, and a miss
            // must be read from the outbox, never computed from rows that were not fetched
            List<Change> changes = netEffects.getIfPresent(s);
            if (changes == null) {
                changes = decided(marks.get(s.txKey()), s, NetEffect.of(rawChanges(ctx, List.of(s)).getOrDefault(s.txKey(), List.of()), tableSpecs()));
                netEffects.put(s, changes);
            }
            changeCount += changes.size();
            out.add(new ChangeSet(self, s.sequence(), HybridTimestamp.fromLong(s.timestamp()), parseDeps(t.value4()), changes,
                metadataOf(marks.get(s.txKey()))));
        }
        return out;
    }

    /** A decision's net effect with every row it decided (see {@link DecisionMarks.Mark#complete}); others as they are. */
    private List<Change> decided(DecisionMarks.Mark mark, Sequenced s, List<Change> net) {
        if (mark == null) {
            return net;
        }
        return mark.complete(net, HybridTimestamp.fromLong(s.timestamp()), name -> tables.keySet().stream()
            .filter(name::equalsIgnoreCase).findFirst().orElse(null));
    }

    private static Map<String, String> metadataOf(DecisionMarks.Mark mark) {
        return mark == null ? Map.of() : mark.metadata();
    }

    /** The highest sequence given out so far (0 if none). */
    public long lastSequence(DSLContext ctx) {
        Long last = ctx.select(max(OTX_SEQ)).from(OUTBOX_TX_TABLE).fetchOne(0, Long.class);
        return last == null ? 0 : last;
    }

    /** What {@link #purge} removed: captured rows and transactions' sequence rows. */
    public record Trimmed(int capturedRows, int transactions) {
    }

    /**
     * Forgets the transactions every peer has acknowledged (sequence at most {@code horizon}): their captured rows and
     * their sequence rows, all but the last transaction's (the next sequence follows it). Incremental: every
     * transaction at or below {@code after}, the horizon of the previous purge, is gone already, so only those since
     * are read, by sequence, and their rows deleted by transaction key. Nothing else needs a sequence row once every
     * peer has its ChangeSet: local row versions carry the sequence itself.
     */
    public Trimmed purge(DSLContext ctx, long after, long horizon) {
        netEffects.asMap().keySet().removeIf(tx -> tx.sequence() <= horizon);
        if (horizon <= after) {
            return new Trimmed(0, 0);
        }
        List<String> txKeys = ctx.select(OTX_TX).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(after)).and(OTX_SEQ.le(horizon)).fetch(OTX_TX);
        int rows = 0;
        for (int from = 0; from < txKeys.size(); from += 500) {
            List<String> chunk = txKeys.subList(from, Math.min(txKeys.size(), from + 500));
            rows += ctx.deleteFrom(OUTBOX).where(OUTBOX_TX.in(chunk)).execute();
            spool.forget(ctx, chunk);
        }
        int transactions = ctx.deleteFrom(OUTBOX_TX_TABLE).where(OTX_SEQ.le(Math.min(horizon, lastSequence(ctx) - 1))).execute();
        return new Trimmed(rows, transactions);
    }

    private Function<String, ReplicatedTable> tableSpecs() {
        return name -> {
            BoundTable t = tables.get(name);
            return t == null ? null : t.spec();
        };
    }

    /**
     * The captured row operations of these sequenced transactions, per transaction in capture order, each stamped with
     * its transaction's timestamp (the outbox holds only wall readings). Rows of a table this node does not replicate
     * are left out: the installer removes a table's capture when the configuration drops it, but a row may still come
     * from elsewhere (a node opened on the same database with another configuration), and one such row must not stop
     * sequencing, and with it apply, for good.
     */
    private Map<String, List<RawChange>> rawChanges(DSLContext ctx, Collection<Sequenced> txs) {
        SQLDialect d = ctx.dialect();
        Map<String, Long> stamps = new LinkedHashMap<>();
        txs.forEach(t -> stamps.put(t.txKey(), t.timestamp()));
        Map<String, List<RawChange>> out = new LinkedHashMap<>();
        long[] position = {0};
        ctx.select(OUTBOX_TX, OUTBOX_TABLE, OUTBOX_OP, outboxBefore(d).cast(String.class), outboxAfter(d).cast(String.class),
                outboxBeforeMatch(d).cast(String.class), outboxAfterMatch(d).cast(String.class))
            .from(OUTBOX).where(OUTBOX_TX.in(stamps.keySet())).orderBy(OUTBOX_ID)
            .fetch()
            .forEach(r -> {
                if (!tables.containsKey(r.value2())) {
                    return; // captured for a table this node does not replicate: never shipped
                }
                CapturedStatement statement = new CapturedStatement(r.value2(), r.value3().trim(), stamps.get(r.value1()), r.value4(),
                    r.value5(), r.value6(), r.value7());
                List<RawChange> changes = statement.expand(position[0], image -> canonical(statement.table(), image));
                position[0] += changes.size();
                out.computeIfAbsent(r.value1(), k -> new ArrayList<>()).addAll(changes);
            });
        return out;
    }

    private RowImage canonical(String table, RowImage captured) {
        BoundTable t = tables.get(table);
        return t == null ? captured : t.canonical(captured);
    }

    /** Reads dependencies as stored in {@code cv_outbox_tx.deps} and {@code cv_applied.deps}: origin to sequence. */
    public static Map<NodeId, Long> parseDeps(String json) {
        try {
            JsonNode n = ChangeSetCodec.mapper().readTree(json);
            Map<NodeId, Long> out = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                out.put(NodeId.of(e.getKey()), e.getValue().asLong());
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable dependencies in cv_outbox_tx: " + json, e);
        }
    }
}
