package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.apply.ApplyEngine;
import dev.converge.capture.H2CaptureTrigger;
import dev.converge.capture.Installer;
import dev.converge.catalog.BoundTable;
import dev.converge.catalog.TableCatalog;
import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.ResolverRegistry;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.queue.History;
import dev.converge.queue.InboundQueue;
import dev.converge.queue.OutboundQueue;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import io.vavr.control.Either;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The local peer, embeddable in a Java application: it installs capture on its database, hands out what it has
 * queued for each peer, receives and applies what peers send, and records the conflicts it meets.
 *
 * <p>Lifecycle: {@link #open} validates the configuration against the database and installs (idempotently); the
 * application keeps writing to its tables as usual; {@link #deliverTo} (or a transport loop in the node module)
 * ships changes; {@link #close} releases the node, {@link #uninstall} removes everything Converge created.
 * Thread-safe: every call that touches the queues is serialised per node.
 */
public final class Node implements AutoCloseable {
    static {
        // jOOQ prints a banner on first use; a replication node's console is for its own messages
        System.setProperty("org.jooq.no-logo", System.getProperty("org.jooq.no-logo", "true"));
        System.setProperty("org.jooq.no-tips", System.getProperty("org.jooq.no-tips", "true"));
    }

    /** How many ChangeSets go to a peer in one transport call. */
    public static final int BATCH = 200;

    private final NodeConfig config;
    private final DataSource db;
    private final TimeSource time;
    private final Dialect dialect;
    private final List<BoundTable> tables;
    private final OutboundQueue outbound;
    private final InboundQueue inbound = new InboundQueue();
    private final ApplyEngine engine;
    private final ConflictStore conflicts;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final History history;

    private Node(NodeConfig config, DataSource db, TimeSource time, Dialect dialect, List<BoundTable> tables,
                 Map<String, ConflictResolver> resolvers) {
        this.config = config;
        this.db = db;
        this.time = time;
        this.dialect = dialect;
        this.tables = List.copyOf(tables);
        this.outbound = new OutboundQueue(config.id(), tables);
        this.engine = new ApplyEngine(config, tables, resolvers, time, outbound);
        this.conflicts = new ConflictStore(config.id());
        this.history = new History(config, tables, outbound, time);
    }

    /**
     * Validates {@code config} against the database behind {@code db}, installs the metadata tables and capture
     * triggers (harmless if already installed) and returns the running node.
     *
     * @throws InvalidConfigException naming the table and the problem if the configuration does not fit the database
     */
    public static Node open(NodeConfig config, DataSource db, TimeSource time) {
        Either<ConfigError, Node> node = tryOpen(config, db, time);
        if (node.isLeft()) {
            throw new InvalidConfigException(node.getLeft());
        }
        return node.get();
    }

    /** As {@link #open}, with a configuration problem as a value. */
    public static Either<ConfigError, Node> tryOpen(NodeConfig config, DataSource db, TimeSource time) {
        try (Connection c = db.getConnection()) {
            Dialect dialect = Dialect.of(c);
            DSLContext ctx = DSL.using(c, dialect.jooq());
            Either<ConfigError, List<BoundTable>> bound = TableCatalog.bind(ctx, config);
            if (bound.isLeft()) {
                return Either.left(bound.getLeft());
            }
            Either<ConfigError, Map<String, ConflictResolver>> resolvers = resolvers(config, bound.get());
            if (resolvers.isLeft()) {
                return Either.left(resolvers.getLeft());
            }
            new Installer(ctx, dialect).install(config.id(), bound.get(), HybridTimestamp.ofMillis(time.currentTimeMillis()).asLong());
            Node node = new Node(config, db, time, dialect, bound.get(), resolvers.get());
            node.publishWallClock();
            return Either.right(node);
        } catch (SQLException e) {
            throw new ConvergeException("cannot open node " + config.id() + ": " + e.getMessage(), e);
        }
    }

    private static Either<ConfigError, Map<String, ConflictResolver>> resolvers(NodeConfig config, List<BoundTable> tables) {
        ResolverRegistry registry = new ResolverRegistry();
        Map<String, ConflictResolver> out = new HashMap<>();
        Either<ConfigError, ConflictResolver> fallback = registry.lookup(config.defaultResolver(), "defaults.resolver");
        if (fallback.isLeft()) {
            return Either.left(fallback.getLeft());
        }
        out.put("", fallback.get());
        for (BoundTable t : tables) {
            Either<ConfigError, ConflictResolver> r = registry.lookup(config.resolverOf(t.name()), "table " + t.name() + " resolver");
            if (r.isLeft()) {
                return Either.left(r.getLeft());
            }
            out.put(t.name(), r.get());
        }
        return Either.right(out);
    }

    public NodeId id() {
        return config.id();
    }

    public NodeConfig config() {
        return config;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Makes the capture triggers read this node's {@link TimeSource} from now on (a no-op for the system clock, where
     * the database's clock is used). Call it after moving a manual time source and before the next local write.
     */
    public synchronized void publishWallClock() {
        Long wall = time.isSystem() ? null : time.currentTimeMillis();
        inTransaction(ctx -> ctx.update(CLOCK).set(CLOCK_WALL_OVERRIDE, wall).where(CLOCK_ID.eq(1)).execute());
    }

    /** Every ChangeSet this node originated that {@code peer} has not acknowledged, in sequence order, at most {@code limit}. */
    public synchronized List<ChangeSet> outboundFor(NodeId peer, int limit) {
        requirePeer(peer);
        inTransaction(outbound::sequence);
        return inTransaction(ctx -> outbound.read(ctx, acked(ctx, peer), limit));
    }

    /** The peer has durably stored everything of ours up to {@code sequence}. */
    public synchronized void acknowledge(NodeId peer, long sequence) {
        requirePeer(peer);
        inTransaction(ctx -> {
            long last = outbound.lastSequence(ctx);
            if (sequence > last) {
                throw new MalformedChangeSetException("peer " + peer + " acknowledged sequence " + sequence + " but " + id()
                    + " has only sent up to " + last);
            }
            long current = acked(ctx, peer);
            if (sequence > current) {
                int n = ctx.update(PEERS).set(PEER_ACKED, sequence).where(PEER_ID.eq(peer.value())).execute();
                if (n == 0) {
                    ctx.insertInto(PEERS).columns(PEER_ID, PEER_ACKED).values(peer.value(), sequence).execute();
                }
                history.afterAcknowledgement(ctx); // what every peer now has goes
            }
            return null;
        });
    }

    /**
     * Takes a batch from {@code origin}: each ChangeSet that is next in its origin's order and whose causal dependencies
     * are met is applied at once (its watermark, written with its rows, is the durable record that it arrived); from
     * the first one that must wait, the rest are stored in the inbox. A ChangeSet already applied or stored is ignored.
     * Then every stored ChangeSet whose turn has come is applied.
     *
     * @throws MalformedChangeSetException if the batch is not from a known peer or is inconsistent; nothing is stored
     */
    public synchronized Receipt receive(NodeId origin, List<ChangeSet> batch) {
        validate(origin, batch);
        int applied = 0;
        int next = 0;
        for (Arrival a; next < batch.size() && (a = applyIfNext(batch.get(next))) != Arrival.WAITS; next++) {
            applied += a == Arrival.APPLIED ? 1 : 0;
        }
        List<ChangeSet> waiting = batch.subList(next, batch.size());
        if (!waiting.isEmpty()) {
            inTransaction(ctx -> {
                long watermark = watermark(ctx, origin);
                waiting.forEach(cs -> inbound.store(ctx, cs, watermark));
                return null;
            });
        }
        applied += applyPending();
        int appliedNow = applied;
        return inTransaction(ctx -> {
            if (appliedNow > 0) {
                history.afterApply(ctx); // what was applied may let applied-log entries and tombstones go
            }
            return new Receipt(id(), origin, inbound.storedThrough(ctx, origin, watermark(ctx, origin)), appliedNow, inbound.waiting(ctx));
        });
    }

    /** What became of an arriving ChangeSet. */
    private enum Arrival { APPLIED, ALREADY_APPLIED, WAITS }

    /**
     * Applies {@code cs} straight away if it is its origin's next ChangeSet and its dependencies are met. A copy stored
     * by an earlier delivery leaves the inbox in the same transaction.
     */
    private Arrival applyIfNext(ChangeSet cs) {
        return inApplyTransaction((connection, ctx) -> {
            long watermark = watermark(ctx, cs.origin());
            if (cs.sequence() <= watermark) {
                return Arrival.ALREADY_APPLIED;
            }
            if (cs.sequence() != watermark + 1 || !dependenciesMet(ctx, cs)) {
                return Arrival.WAITS;
            }
            engine.apply(connection, ctx, cs);
            inbound.remove(ctx, cs.origin(), cs.sequence());
            return Arrival.APPLIED;
        });
    }

    /** Sends everything queued for {@code peer} through {@code transport} and forgets what the peer acknowledged; returns how many ChangeSets went. */
    public synchronized int deliverTo(NodeId peer, Transport transport) {
        int sent = 0;
        while (true) {
            List<ChangeSet> batch = outboundFor(peer, BATCH);
            if (batch.isEmpty()) {
                return sent;
            }
            Receipt receipt = transport.send(id(), peer, batch);
            acknowledge(peer, receipt.storedThrough());
            sent += batch.size();
            if (receipt.storedThrough() < batch.get(batch.size() - 1).sequence()) {
                return sent;
            }
        }
    }

    /** Applies every stored ChangeSet whose turn has come and whose dependencies are met; returns how many. */
    public synchronized int applyPending() {
        int applied = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (NodeId origin : inTransaction(inbound::origins)) {
                while (applyNext(origin)) {
                    applied++;
                    progress = true;
                }
            }
        }
        return applied;
    }

    private boolean applyNext(NodeId origin) {
        return inApplyTransaction((connection, ctx) -> {
            long next = watermark(ctx, origin) + 1;
            Optional<ChangeSet> cs = inbound.get(ctx, origin, next);
            if (cs.isEmpty() || !dependenciesMet(ctx, cs.get())) {
                return false;
            }
            engine.apply(connection, ctx, cs.get());
            inbound.remove(ctx, origin, next);
            return true;
        });
    }

    private boolean dependenciesMet(DSLContext ctx, ChangeSet cs) {
        for (Map.Entry<NodeId, Long> dep : cs.dependencies().entrySet()) {
            if (!dep.getKey().equals(id()) && watermark(ctx, dep.getKey()) < dep.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void validate(NodeId origin, List<ChangeSet> batch) {
        if (origin.equals(id())) {
            throw new MalformedChangeSetException("node " + id() + " was sent its own changes");
        }
        requirePeer(origin);
        long previous = 0;
        for (ChangeSet cs : batch) {
            if (!cs.origin().equals(origin)) {
                throw new MalformedChangeSetException("a batch from " + origin + " carries ChangeSet " + cs.id() + " of another origin");
            }
            if (cs.sequence() <= previous) {
                throw new MalformedChangeSetException("a batch from " + origin + " is not in ascending sequence at " + cs.id());
            }
            previous = cs.sequence();
            for (NodeId dep : cs.dependencies().keySet()) {
                if (!dep.equals(id()) && config.peers().stream().noneMatch(p -> p.id().equals(dep))) {
                    throw new MalformedChangeSetException("ChangeSet " + cs.id() + " depends on unknown node " + dep);
                }
            }
            cs.changes().forEach(c -> {
                if (tables.stream().noneMatch(t -> t.name().equalsIgnoreCase(c.table()))) {
                    throw new MalformedChangeSetException("ChangeSet " + cs.id() + " changes table " + c.table() + ", which "
                        + id() + " does not replicate");
                }
            });
        }
    }

    private void requirePeer(NodeId peer) {
        if (config.peers().stream().noneMatch(p -> p.id().equals(peer))) {
            throw new MalformedChangeSetException(peer + " is not a peer of " + id());
        }
    }

    /** Every conflict this node has recorded, oldest first. */
    public synchronized List<ConflictRecord> conflicts() {
        return inTransaction(conflicts::all);
    }

    /** The replicated data: per replicated table, its rows that match the filter, projected to the replicated columns, in key order. */
    public synchronized Map<String, List<RowImage>> replicatedRows() {
        return inTransaction(ctx -> {
            Map<String, List<RowImage>> out = new LinkedHashMap<>();
            for (BoundTable t : tables) {
                var select = ctx.select(t.replicatedFields()).from(t.table())
                    .where(t.spec().filter().map(DSL::condition).orElse(DSL.noCondition()))
                    .orderBy(t.keyFields());
                out.put(t.name(), select.fetch(r -> new RowImage(r.intoMap())));
            }
            return out;
        });
    }

    /**
     * Forgets what is no longer needed (see {@link History} for the rules): captured rows and sequence rows of
     * transactions every peer acknowledged, applied-log entries no dependency can need, and the tombstones of deletes
     * every peer has applied, once they outlived the purge grace ({@link NodeConfig#purgeGrace()}). Also runs by
     * itself, in part: an acknowledgement that moved frees the outbox, ChangeSets applied free tombstones (and every
     * few of them the applied log). Each purge reads only what came since the last.
     */
    public synchronized PurgeResult purge() {
        History.Purged purged = inTransaction(history::purge);
        return new PurgeResult(purged.capturedRows(), purged.tombstones());
    }

    /** What a purge removed. */
    public record PurgeResult(int capturedRows, int tombstones) {
    }

    /** The shadow tombstones (deleted rows) of a replicated table, oldest first. */
    public synchronized List<dev.converge.shadow.RowVersion> tombstones(String table) {
        BoundTable t = tables.stream().filter(x -> x.name().equalsIgnoreCase(table)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(table + " is not replicated by " + id()));
        inTransaction(outbound::sequence);
        return inTransaction(ctx -> shadows.tombstones(ctx, t.shadow()));
    }

    /** Removes the capture triggers and every table Converge created in this database, and nothing else. */
    public synchronized void uninstall() {
        inTransaction(ctx -> {
            new Installer(ctx, dialect).uninstall();
            return null;
        });
    }

    @Override
    public void close() {
        // connections are taken per call from the DataSource; nothing is held between calls
    }

    private static long watermark(DSLContext ctx, NodeId origin) {
        Long seq = ctx.select(APPLIED_SEQ).from(APPLIED).where(APPLIED_ORIGIN.eq(origin.value())).fetchOne(APPLIED_SEQ);
        return seq == null ? 0 : seq;
    }

    private static long acked(DSLContext ctx, NodeId peer) {
        Long seq = ctx.select(PEER_ACKED).from(PEERS).where(PEER_ID.eq(peer.value())).fetchOne(PEER_ACKED);
        return seq == null ? 0 : seq;
    }

    // ---- transactions ----------------------------------------------------------------------------------------------

    private interface Work<T> {
        T run(DSLContext ctx) throws SQLException;
    }

    private interface ApplyWork<T> {
        T run(Connection connection, DSLContext ctx) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        return inApplyTransaction(false, (c, ctx) -> work.run(ctx));
    }

    private <T> T inApplyTransaction(ApplyWork<T> work) {
        return inApplyTransaction(true, work);
    }

    /** One database transaction; with {@code applying} the capture triggers skip its writes (they are not local changes). */
    private <T> T inApplyTransaction(boolean applying, ApplyWork<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                DSLContext ctx = DSL.using(c, dialect.jooq());
                T result;
                if (applying && dialect == Dialect.POSTGRESQL) {
                    ctx.execute("SELECT set_config('converge.applying', 'on', true)");
                    result = work.run(c, ctx);
                } else if (applying) {
                    result = H2CaptureTrigger.whileApplying(() -> work.run(c, ctx));
                } else {
                    result = work.run(c, ctx);
                }
                c.commit();
                return result;
            } catch (Exception e) {
                c.rollback();
                throw e instanceof RuntimeException re ? re : new ConvergeException(id() + ": " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new ConvergeException(id() + ": database failure: " + e.getMessage(), e);
        }
    }

    /** Peers of this node, for transports that loop over them. */
    public List<NodeId> peers() {
        List<NodeId> out = new ArrayList<>();
        config.peers().forEach(p -> out.add(p.id()));
        return out;
    }
}
