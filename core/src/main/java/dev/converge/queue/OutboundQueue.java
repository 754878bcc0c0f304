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
import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ReplicatedTable;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.neteffect.NetEffect;
import dev.converge.neteffect.RawChange;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
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
 * <p>Not thread-safe on its own: the {@code Node} serialises calls; concurrent sequencers are also serialised by the
 * lock on {@code cv_clock}.
 */
public final class OutboundQueue {
    private final NodeId self;
    private final Map<String, BoundTable> tables;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final Set<String> stamped;
    /**
     * Net effects by sequence, as the sequencer computed them for the row versions: reading a ChangeSet for a peer
     * soon after would otherwise read and parse its captured rows a second time (and once more per peer). A sequenced
     * transaction never changes, so an entry never goes stale; the cache is bounded by the size of the values it holds
     * ({@link #weight}), forgets what every peer has acknowledged, and anything evicted is read from the outbox again. Keyed by sequence and transaction together: should
     * the sequencing transaction roll back, the same sequence may later go to another transaction.
     */
    private final Cache<Sequenced, List<Change>> netEffects;

    private record Sequenced(long sequence, String txKey) {
    }

    /** What the net-effect cache holds at most, in {@link #weight} units: roughly 64 MB of row values. */
    static final long CACHED_WEIGHT = 32_000_000;

    /** About half the bytes the changes' values take: a text counts its length, any other value 8. */
    static int weight(List<Change> changes) {
        long w = 1;
        for (Change c : changes) {
            w += 16 + weight(c.before()) + weight(c.after());
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    private static long weight(java.util.Optional<RowImage> image) {
        long w = 0;
        if (image.isPresent()) {
            for (Object v : image.get().values().values()) {
                w += v instanceof String text ? text.length() : 8;
            }
        }
        return w;
    }

    public OutboundQueue(NodeId self, List<BoundTable> tables) {
        this(self, tables, Set.of(), CACHED_WEIGHT);
    }

    /**
     * @param stamped the tables whose rows' versions keep the write that last changed each column: those of a merging
     *     resolver ({@link dev.converge.conflict.ConflictResolver#merges()})
     */
    public OutboundQueue(NodeId self, List<BoundTable> tables, Set<String> stamped) {
        this(self, tables, stamped, CACHED_WEIGHT);
    }

    /** With a net-effect cache of at most {@code cacheWeight} (tests use a tiny one to check that misses are harmless). */
    OutboundQueue(NodeId self, List<BoundTable> tables, long cacheWeight) {
        this(self, tables, Set.of(), cacheWeight);
    }

    private OutboundQueue(NodeId self, List<BoundTable> tables, Set<String> stamped, long cacheWeight) {
        this.stamped = Set.copyOf(stamped);
        this.netEffects = Caffeine.newBuilder().maximumWeight(cacheWeight).weigher((Sequenced tx, List<Change> changes) -> weight(changes))
            .build();
        this.self = self;
        this.tables = new LinkedHashMap<>();
        tables.forEach(t -> this.tables.put(t.name(), t));
    }

    /** Gives the next sequence numbers to every committed local transaction not yet sequenced; returns how many. */
    public int sequence(DSLContext tx) {
        Record clock = tx.select(CLOCK_FLOOR).from(CLOCK).where(CLOCK_ID.eq(1)).forUpdate().fetchOne();
        long floor = clock.get(CLOCK_FLOOR);
        Long last = tx.select(max(OTX_SEQ)).from(OUTBOX_TX_TABLE).fetchOne(0, Long.class);
        long next = last == null ? 1 : last + 1;
        var o = OUTBOX.as("o");
        Field<String> oTx = DSL.field(DSL.name("o", OUTBOX_TX.getName()), String.class);
        Field<Long> lastId = max(DSL.field(DSL.name("o", OUTBOX_ID.getName()), Long.class)).as("last_id");
        Field<Long> lastTs = max(DSL.field(DSL.name("o", OUTBOX_TS.getName()), Long.class)).as("last_ts");
        Field<Long> appliedN = max(DSL.field(DSL.name("o", OUTBOX_APPLIED_N.getName()), Long.class)).as("last_applied_n");
        var pending = tx.select(oTx, lastId, lastTs, appliedN)
            .from(o)
            .where(notExists(selectOne().from(OUTBOX_TX_TABLE).where(DSL.field(DSL.name(OUTBOX_TX_TABLE.getName(), OTX_TX.getName()), String.class).eq(oTx))))
            .groupBy(oTx)
            .orderBy(lastId)
            .fetch();
        Map<String, Long> sequenced = new LinkedHashMap<>();
        for (var p : pending) {
            String deps = dependencies(tx, p.value4());
            sequenced.put(p.value1(), next);
            tx.insertInto(OUTBOX_TX_TABLE).columns(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS).values(next++, p.value1(), p.value3(), deps).execute();
            floor = Math.max(floor, p.value3());
        }
        if (!pending.isEmpty()) {
            tx.update(CLOCK).set(CLOCK_FLOOR, floor).where(CLOCK_ID.eq(1)).execute();
            writeVersions(tx, sequenced);
        }
        return pending.size();
    }

    /**
     * Gives every row the newly sequenced transactions changed its local version, from their net effect: a live version
     * or a tombstone (with the deleted image) stamped with the change's timestamp, this node and the sequence.
     *
     * <p><b>Why here and not in the capture trigger:</b> a row's version must be exactly what the peers learn about it,
     * or this node judges later conflicts on that row differently from them and the peers diverge. Peers learn the net
     * effect, and a trigger cannot know it: a no-op update, an update undone in the same transaction, an update of
     * columns outside the replicated subset, or a row inserted and deleted again ship nothing, so they must leave the
     * row's version as it was. Transactions are handled in sequence order, so a row's last writer wins.
     *
     * <p><b>A local write after a merge.</b> The version of a local write is that write alone, even when the row held a
     * merge of concurrent writes: this node had applied every one of them before it wrote, so they are in the write's
     * causal past (its ChangeSet's dependencies) and a peer that sees the write saw them (see
     * {@link RowVersion}). Only the column stamps of a merging resolver's table ({@code stamped}) need what the row had:
     * a column the write left alone keeps its stamp, so those rows' versions are read first (one query per table and
     * chunk of keys).
     */
    private void writeVersions(DSLContext tx, Map<String, Long> sequenced) {
        Map<String, List<RawChange>> raw = rawChanges(tx, new ArrayList<>(sequenced.keySet()));
        Map<String, List<Change>> nets = new LinkedHashMap<>();
        sequenced.forEach((txKey, seq) -> {
            List<Change> net = NetEffect.of(raw.getOrDefault(txKey, List.of()), tableSpecs());
            netEffects.put(new Sequenced(seq, txKey), net);
            nets.put(txKey, net);
        });
        Map<BoundTable, Map<RowKey, RowVersion>> byTable = previousStamps(tx, nets.values());
        sequenced.forEach((txKey, seq) -> {
            for (Change c : nets.get(txKey)) {
                BoundTable t = tables.get(c.table());
                List<Object> key = t.typedKey(c.key());
                long ts = c.timestamp().asLong();
                RowVersion own = c.after().isPresent() ? RowVersion.live(key, ts, self.value(), seq)
                    : RowVersion.tombstone(key, ts, self.value(), seq, ChangeSetCodec.imageToJson(c.before().orElseThrow()));
                Map<RowKey, RowVersion> versions = byTable.computeIfAbsent(t, k -> new LinkedHashMap<>());
                List<String> columns = stamped.contains(t.name()) ? t.spec().columns() : List.of();
                Set<String> changed = columns.stream().filter(c::sets).collect(Collectors.toSet());
                versions.put(c.key(), RowVersion.followed(Optional.ofNullable(versions.get(c.key())), own, changed, columns));
            }
        });
        byTable.forEach((t, versions) -> shadows.write(tx, t.shadow(), new ArrayList<>(versions.values())));
    }

    /** The current versions of the rows of stamped tables that these net effects update (others need none). */
    private Map<BoundTable, Map<RowKey, RowVersion>> previousStamps(DSLContext tx, Collection<List<Change>> nets) {
        Map<BoundTable, Map<RowKey, Change>> updated = new LinkedHashMap<>();
        for (List<Change> net : nets) {
            for (Change c : net) {
                BoundTable t = tables.get(c.table());
                if (stamped.contains(t.name()) && c instanceof Change.Update) {
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

    /** For each origin, the highest sequence that had been applied here when the applied count was {@code appliedN}. */
    private static String dependencies(DSLContext tx, long appliedN) {
        Map<String, Long> deps = new TreeMap<>();
        if (appliedN > 0) {
            tx.select(ALOG_ORIGIN, max(ALOG_SEQ)).from(APPLIED_LOG).where(ALOG_N.le(appliedN)).groupBy(ALOG_ORIGIN)
                .fetch().forEach(r -> deps.put(r.value1(), r.value2()));
        }
        return ChangeSetCodec.mapper().valueToTree(deps).toString();
    }

    /** The ChangeSets after {@code afterSequence}, in order, at most {@code limit}. */
    public List<ChangeSet> read(DSLContext ctx, long afterSequence, int limit) {
        var txs = ctx.select(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(afterSequence))
            .orderBy(OTX_SEQ).limit(limit).fetch();
        if (txs.isEmpty()) {
            return List.of();
        }
        // look each transaction up once and keep what was found: an entry may be evicted at any moment, and a miss
        // must be read from the outbox, never computed from rows that were not fetched
        Map<Long, List<Change>> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (var t : txs) {
            List<Change> cached = netEffects.getIfPresent(new Sequenced(t.value1(), t.value2()));
            if (cached == null) {
                missing.add(t.value2());
            } else {
                found.put(t.value1(), cached);
            }
        }
        Map<String, List<RawChange>> raw = missing.isEmpty() ? Map.of() : rawChanges(ctx, missing);
        List<ChangeSet> out = new ArrayList<>();
        for (var t : txs) {
            List<Change> changes = found.get(t.value1());
            if (changes == null) {
                changes = NetEffect.of(raw.getOrDefault(t.value2(), List.of()), tableSpecs());
                netEffects.put(new Sequenced(t.value1(), t.value2()), changes);
            }
            out.add(new ChangeSet(self, t.value1(), HybridTimestamp.fromLong(t.value3()), parseDeps(t.value4()), changes));
        }
        return out;
    }

    /** The highest sequence given out so far (0 if none). */
    public long lastSequence(DSLContext ctx) {
        Long last = ctx.select(max(OTX_SEQ)).from(OUTBOX_TX_TABLE).fetchOne(0, Long.class);
        return last == null ? 0 : last;
    }

    /**
     * Removes the captured rows of transactions every peer has acknowledged (sequence at most {@code horizon}). The
     * transaction's sequence row stays: shadow rows written by that transaction still name it.
     */
    public int purge(DSLContext ctx, long horizon) {
        netEffects.asMap().keySet().removeIf(tx -> tx.sequence() <= horizon);
        return ctx.deleteFrom(OUTBOX).where(OUTBOX_TX.in(DSL.select(OTX_TX).from(OUTBOX_TX_TABLE).where(OTX_SEQ.le(horizon)))).execute();
    }

    private Function<String, ReplicatedTable> tableSpecs() {
        return name -> {
            BoundTable t = tables.get(name);
            return t == null ? null : t.spec();
        };
    }

    /** The captured row operations of these transactions, per transaction in capture order. */
    private Map<String, List<RawChange>> rawChanges(DSLContext ctx, List<String> txKeys) {
        SQLDialect d = ctx.dialect();
        Map<String, List<RawChange>> out = new LinkedHashMap<>();
        long[] position = {0};
        ctx.select(OUTBOX_TX, OUTBOX_TABLE, OUTBOX_OP, OUTBOX_TS, outboxBefore(d).cast(String.class), outboxAfter(d).cast(String.class),
                outboxBeforeMatch(d).cast(String.class), outboxAfterMatch(d).cast(String.class))
            .from(OUTBOX).where(OUTBOX_TX.in(txKeys)).orderBy(OUTBOX_ID)
            .fetch()
            .forEach(r -> {
                CapturedStatement statement = new CapturedStatement(r.value2(), r.value3().trim(), r.value4(), r.value5(), r.value6(),
                    r.value7(), r.value8());
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
