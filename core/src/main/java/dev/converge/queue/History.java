package dev.converge.queue;

import static dev.converge.install.MetaTables.*;

import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.PeerConfig;
import dev.converge.model.NodeId;
import dev.converge.shadow.JdbcShadowStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * Trims what a node keeps only for a while: what every peer has, and what no computation can need any more. Each
 * purge starts where the previous one ended (the marks in {@code cv_purge_mark}) and reads only what came since, by
 * index, so its cost follows the traffic since the last purge, not the history. Besides {@link #purge} on request, the
 * node runs the part an event can free: {@link #afterAcknowledgement} once the slowest peer's acknowledgement moved,
 * {@link #afterApply} after ChangeSets were applied (the applied log only every {@value #APPLIES_PER_TRIM}).
 *
 * <ul>
 *   <li><b>Outbox.</b> A local transaction every peer has acknowledged goes: its captured rows ({@code cv_outbox})
 *       and its sequence row ({@code cv_outbox_tx}), all but the last transaction's, which the next sequence follows.
 *       A peer marked for resync or removed from the mesh is not waited for (here nor for tombstones): see
 *       {@link dev.converge.backlog}.
 *       Local row versions carry their transaction's sequence (see {@link OutboundQueue}), so nothing else needs
 *       it.</li>
 *   <li><b>Applied log.</b> Summarised up to the applied count of the previous trim ({@link AppliedLog}): below it
 *       only each origin's last entry stays. Every committed local transaction is sequenced first, so its dependencies
 *       are computed from the whole log; one still open that was captured before the previous trim gets the summary's
 *       dependencies, which is safe (see {@link AppliedLog}).</li>
 *   <li><b>Tombstones.</b> A tombstone must stay as long as a change concurrent with its delete may still arrive here,
 *       for that change is judged against it (whatever the resolver). Every ChangeSet a peer sends after one that
 *       depends on the delete comes after it, so once the last ChangeSet applied here from each peer (other than the
 *       delete's origin) depends on the delete, nothing concurrent with it can come any more. Timestamps cannot tell
 *       this: a peer's later ChangeSets carry later timestamps, but may still not have seen the delete. (A transaction
 *       at that peer that wrote the row before the delete reached it and commits later does not break this: applying
 *       the delete waits for that transaction's row lock, so no ChangeSet of the peer depends on the delete before
 *       it.) Tombstones also outlive the purge grace ({@link NodeConfig#purgeGrace()}), a margin only.</li>
 *   <li><b>Kept for relaying.</b> Another origin's ChangeSets applied here ({@code cv_relay}, see
 *       {@link dev.converge.relay}) go on the same horizon: once every other peer still kept is known to have applied
 *       them, after applies, heartbeats and purges. One read when nothing is kept.</li>
 * </ul>
 *
 * <p><b>Incremental tombstones.</b> Purge {@code k} may remove the tombstones with {@code seq <= s_k} (per origin)
 * and {@code ts < g_k}; purge {@code k-1} removed those with {@code seq <= s_k-1} and {@code ts < g_k-1}. What is new
 * is the sequences in ({@code s_k-1}, {@code s_k}] older than {@code g_k} (read by origin and sequence), and the
 * timestamps in [{@code g_k-1}, {@code g_k}) at sequences up to {@code s_k-1} (read by timestamp): each tombstone is
 * read about twice in its life. It holds because no tombstone can appear in a region already purged: {@code s} is
 * never above what this node has itself applied of the origin (or sequenced, for its own), and a later write of a
 * row carries a later sequence. Neither mark moves back.
 *
 * <p>Thread-safe: no state of its own (its marks are in the database); it works in the caller's transaction. The node runs one purge at a time.
 */
public final class History {
    private final NodeConfig config;
    private final List<BoundTable> tables;
    private final OutboundQueue outbound;
    private final TimeSource time;
    private final java.util.function.Consumer<DSLContext> sequencing;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final dev.converge.relay.RelayStore relay = new dev.converge.relay.RelayStore();

    public History(NodeConfig config, List<BoundTable> tables, OutboundQueue outbound, TimeSource time) {
        this(config, tables, outbound, time, outbound::sequence);
    }

    /**
     * @param sequencing sequences every local transaction committed before the call, in a transaction of its own when
     *     it can (else in the one it is given): what the applied log's trim has done first, so that it neither waits for
     *     the sequencer's lock with its own transaction open nor holds that lock until it commits
     */
    public History(NodeConfig config, List<BoundTable> tables, OutboundQueue outbound, TimeSource time,
                   java.util.function.Consumer<DSLContext> sequencing) {
        this.config = config;
        this.tables = List.copyOf(tables);
        this.outbound = outbound;
        this.time = time;
        this.sequencing = sequencing;
    }

    /** What a purge removed. */
    public record Purged(int capturedRows, int transactions, int logEntries, int tombstones) {
    }

    /** Trims everything that can go, in the caller's transaction. The caller serialises purges with sequencing and apply. */
    public Purged purge(DSLContext ctx) {
        if (config.peers().isEmpty()) {
            return new Purged(0, 0, 0, 0);
        }
        PurgeMarks marks = PurgeMarks.read(ctx);
        adoptLegacyVersions(ctx, marks);
        int log = trimLog(ctx, marks, appliedN(ctx)); // first: see afterApply
        OutboundQueue.Trimmed outbox = trimOutbox(ctx, marks);
        int tombstones = purgeTombstones(ctx, marks);
        trimRelay(ctx);
        return new Purged(outbox.capturedRows(), outbox.transactions(), log, tombstones);
    }

    /**
     * What an acknowledgement can free: the transactions every peer has now acknowledged. Two reads decide; nothing more
     * is read or deleted unless the slowest peer's acknowledgement moved past the last purge.
     */
    public Purged afterAcknowledgement(DSLContext ctx) {
        if (config.peers().isEmpty() || ackedByAll(ctx) <= PurgeMarks.read(ctx, PurgeMarks.OUTBOX)) {
            return new Purged(0, 0, 0, 0);
        }
        PurgeMarks marks = PurgeMarks.read(ctx);
        adoptLegacyVersions(ctx, marks);
        OutboundQueue.Trimmed outbox = trimOutbox(ctx, marks);
        return new Purged(outbox.capturedRows(), outbox.transactions(), 0, 0);
    }

    /** How many ChangeSets must have been applied since the applied log was last trimmed before applying trims it again. */
    static final int APPLIES_PER_TRIM = 8;

    /**
     * What applying ChangeSets can free: tombstones their dependencies show every peer has seen (and those that have
     * outlived the grace since), and, once {@value #APPLIES_PER_TRIM} ChangeSets were applied since it was last
     * trimmed, the applied log below the new floor — so that the trim's fixed cost (sequencing first, among other
     * statements) is shared by several.
     */
    public Purged afterApply(DSLContext ctx) {
        if (config.peers().isEmpty()) {
            return new Purged(0, 0, 0, 0);
        }
        PurgeMarks marks = PurgeMarks.read(ctx);
        adoptLegacyVersions(ctx, marks);
        long appliedN = appliedN(ctx);
        // first, while this transaction holds no row a sequencing pass may write: the log's trim sequences in a
        // transaction of its own, and a tombstone purged here first would make that pass wait for this transaction
        int log = appliedN - marks.get(PurgeMarks.LOG_NEXT) >= APPLIES_PER_TRIM ? trimLog(ctx, marks, appliedN) : 0;
        int tombstones = purgeTombstones(ctx, marks);
        trimRelay(ctx);
        return new Purged(0, 0, log, tombstones);
    }

    /** What a peer's heartbeat can free: tombstones every peer has now seen (see {@link dev.converge.transport.Heartbeat}). */
    public Purged afterHeartbeat(DSLContext ctx) {
        if (config.peers().isEmpty()) {
            return new Purged(0, 0, 0, 0);
        }
        PurgeMarks marks = PurgeMarks.read(ctx);
        adoptLegacyVersions(ctx, marks);
        int tombstones = purgeTombstones(ctx, marks);
        trimRelay(ctx);
        return new Purged(0, 0, 0, tombstones);
    }

    /**
     * The highest sequence every peer still kept has acknowledged. A peer marked for resync or removed from the mesh
     * ({@code cv_peer.resync_since}, {@code departed_since}) holds nothing back; with no peer kept, everything sequenced
     * may go.
     */
    private long ackedByAll(DSLContext ctx) {
        Map<String, Long> acked = new HashMap<>();
        java.util.Set<String> notKept = new java.util.HashSet<>();
        ctx.select(PEER_ID, PEER_ACKED, PEER_RESYNC_SINCE, PEER_DEPARTED).from(PEERS).fetch().forEach(r -> {
            acked.put(r.value1(), r.value2());
            if (r.value3() != null || r.value4() != null) {
                notKept.add(r.value1());
            }
        });
        long min = Long.MAX_VALUE;
        for (PeerConfig p : config.peers()) {
            if (!notKept.contains(p.id().value())) {
                min = Math.min(min, acked.getOrDefault(p.id().value(), 0L));
            }
        }
        return min == Long.MAX_VALUE ? outbound.lastSequence(ctx) : min;
    }

    /** The peers this node no longer keeps anything for: marked for resync, or removed from the mesh. */
    private static java.util.Set<NodeId> notKept(DSLContext ctx) {
        java.util.Set<NodeId> out = new java.util.HashSet<>();
        ctx.select(PEER_ID).from(PEERS).where(PEER_RESYNC_SINCE.isNotNull().or(PEER_DEPARTED.isNotNull())).fetch()
            .forEach(r -> out.add(NodeId.of(r.value1())));
        return out;
    }

    /**
     * Through which sequence this node's ChangeSets are trimmed (a peer acknowledged below it can no longer be sent
     * what it lacks): the outbox purge mark.
     */
    public static long outboxTrimmedThrough(DSLContext ctx) {
        return PurgeMarks.read(ctx, PurgeMarks.OUTBOX);
    }

    private static long appliedN(DSLContext ctx) {
        return ctx.select(CLOCK_APPLIED_N).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_APPLIED_N);
    }

    private OutboundQueue.Trimmed trimOutbox(DSLContext ctx, PurgeMarks marks) {
        long ackedByAll = ackedByAll(ctx);
        long before = marks.get(PurgeMarks.OUTBOX);
        if (ackedByAll <= before) {
            return new OutboundQueue.Trimmed(0, 0);
        }
        OutboundQueue.Trimmed trimmed = outbound.purge(ctx, before, ackedByAll);
        marks.set(ctx, PurgeMarks.OUTBOX, ackedByAll);
        return trimmed;
    }

    /**
     * Moves the log's floor to the applied count the previous trim saw, so that a transaction open across less than one
     * trim still gets exact dependencies, and remembers today's count ({@code appliedN}) for the next. Every local
     * transaction committed before this trim's sequencing began is sequenced first; one that commits after it began
     * is treated as one still open (see {@link AppliedLog}): every ChangeSet below the floor was applied before the
     * previous trim, so before it committed.
     */
    private int trimLog(DSLContext ctx, PurgeMarks marks, long appliedN) {
        long next = marks.get(PurgeMarks.LOG_NEXT);
        int removed = 0;
        if (next > marks.get(PurgeMarks.LOG_FLOOR)) {
            sequencing.accept(ctx); // every committed local transaction gets its dependencies from the whole log
            removed = AppliedLog.trim(ctx, next);
            marks.set(ctx, PurgeMarks.LOG_FLOOR, next);
        }
        marks.set(ctx, PurgeMarks.LOG_NEXT, appliedN);
        return removed;
    }

    private int purgeTombstones(DSLContext ctx, PurgeMarks marks) {
        Map<String, Long> seen = seenThrough(ctx);
        long graceEnd = HybridTimestamp.ofMillis(Math.max(0, time.currentTimeMillis() - config.purgeGrace().toMillis())).asLong();
        int removed = 0;
        for (BoundTable t : tables) {
            String table = t.name();
            if (!outbound.keepsLineage(table) && !shadows.hasTombstones(ctx, t.shadow())) {
                // nothing to purge, and no lineage reads this table's marks (Horizon): they stay where they are, so the
                // next purge starts lower and reads a longer range of the tombstones' index — of tombstones written
                // since, none of which is in a range marked purged. One look instead of a delete and a mark per origin
                // after every apply.
                continue;
            }
            Map<String, Long> before = new LinkedHashMap<>();
            seen.keySet().forEach(origin -> before.put(origin, marks.get(PurgeMarks.SEEN, table, origin)));
            long graceBefore = marks.get(PurgeMarks.GRACE, table, "");
            long grace = Math.max(graceEnd, graceBefore);
            // a lineage (see Lineage) may hold a write that lost to the delete and that not every peer has seen: such a
            // tombstone stays, for a later write of this node has that write in its history and must find it listed
            java.util.function.Predicate<dev.converge.shadow.RowVersion> purgeable = outbound.keepsLineage(table)
                ? v -> v.lineage().writes().stream().allMatch(w -> w.sequence() <= seen.getOrDefault(w.origin(), 0L)) : null;
            for (Map.Entry<String, Long> e : seen.entrySet()) {
                long from = before.get(e.getKey());
                long through = Math.max(from, e.getValue());
                if (through > from) {
                    removed += shadows.purgeSeen(ctx, t.shadow(), e.getKey(), from, through, grace, purgeable);
                    marks.set(ctx, PurgeMarks.SEEN, table, e.getKey(), through);
                }
            }
            if (grace > graceBefore) {
                removed += shadows.purgeAged(ctx, t.shadow(), before, graceBefore, grace, purgeable);
                marks.set(ctx, PurgeMarks.GRACE, table, "", grace);
            }
        }
        return removed;
    }

    /**
     * Per origin of a delete (every peer and this node): the highest sequence of it that every other peer has applied,
     * as the dependencies of the latest ChangeSet applied here from that peer (or its latest heartbeat, once everything
     * it had sequenced then is applied here) show, and that this node has applied (or
     * sequenced, for its own) — so that no tombstone can appear later at or below it.
     */
    private Map<String, Long> seenThrough(DSLContext ctx) {
        List<NodeId> origins = new ArrayList<>();
        config.peers().forEach(p -> origins.add(p.id()));
        origins.add(config.id());
        return seenThrough(ctx, origins);
    }

    /** As above, for {@code origins} (which may name peers removed from the configuration). */
    private Map<String, Long> seenThrough(DSLContext ctx, List<NodeId> origins) {
        Map<NodeId, Map<NodeId, Long>> seenBy = new HashMap<>();
        Map<NodeId, Long> applied = new HashMap<>();
        ctx.select(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_DEPS).from(APPLIED).fetch().forEach(r -> {
            applied.put(NodeId.of(r.value1()), r.value2());
            seenBy.put(NodeId.of(r.value1()), r.value3() == null ? Map.of() : OutboundQueue.parseDeps(r.value3()));
        });
        // A heartbeat counts as a ChangeSet's dependencies once every transaction its sender had sequenced is applied
        // here: whatever the sender sends later comes after what it had applied then.
        ctx.select(HB_PEER, HB_SEQ, HB_APPLIED).from(HEARTBEATS).fetch().forEach(r -> {
            NodeId peer = NodeId.of(r.value1());
            if (applied.getOrDefault(peer, 0L) >= r.value2()) {
                Map<NodeId, Long> merged = new HashMap<>(seenBy.getOrDefault(peer, Map.of()));
                OutboundQueue.parseDeps(r.value3()).forEach((origin, s) -> merged.merge(origin, s, Math::max));
                seenBy.put(peer, merged);
            }
        });
        // a peer marked for resync or removed will not be judged against tombstones: it reloads from a snapshot, or is gone
        java.util.Set<NodeId> notKept = notKept(ctx);
        Map<String, Long> out = new LinkedHashMap<>();
        for (NodeId origin : origins) {
            long through = Long.MAX_VALUE;
            for (PeerConfig p : config.peers()) {
                if (!p.id().equals(origin) && !notKept.contains(p.id())) {
                    through = Math.min(through, seenBy.getOrDefault(p.id(), Map.of()).getOrDefault(origin, 0L));
                }
            }
            long here = origin.equals(config.id()) ? outbound.lastSequence(ctx) : applied.getOrDefault(origin, 0L);
            out.put(origin.value(), Math.min(through, here));
        }
        return out;
    }

    /**
     * Forgets the other origins' ChangeSets kept for relaying ({@code cv_relay}, see {@code dev.converge.relay}) that
     * every other peer still kept has applied, as the dependencies of its ChangeSets and its heartbeats show (the
     * horizon tombstones are judged by). One read when nothing is kept.
     */
    private int trimRelay(DSLContext ctx) {
        List<NodeId> origins = relay.origins(ctx);
        if (origins.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (Map.Entry<String, Long> e : seenThrough(ctx, origins).entrySet()) {
            if (e.getValue() > 0) {
                removed += relay.trim(ctx, NodeId.of(e.getKey()), e.getValue());
            }
        }
        return removed;
    }

    /**
     * Once per install: versions that name a local transaction instead of its sequence (written before versions were
     * written at sequencing) get the sequence, before the sequence rows they would need are trimmed. Sequencing first
     * is needed only when such versions exist: in this transaction it would hold the sequencer's lock until the trim
     * commits, and on a new install — whose first trim may come while a backlog waits — it would sequence the whole
     * backlog in one go, shipping none of it until then.
     */
    private void adoptLegacyVersions(DSLContext ctx, PurgeMarks marks) {
        if (marks.get(PurgeMarks.ADOPTED) != 0) {
            return;
        }
        if (tables.stream().anyMatch(t -> shadows.namesLocalTransactions(ctx, t.shadow()))) {
            outbound.sequence(ctx);
            for (BoundTable t : tables) {
                shadows.adoptSequences(ctx, t.shadow(), OUTBOX_TX_TABLE, OTX_TX, OTX_SEQ);
            }
        }
        marks.set(ctx, PurgeMarks.ADOPTED, 1);
    }
}
