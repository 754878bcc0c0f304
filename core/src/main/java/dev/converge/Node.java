package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.capture.Installer;
import dev.converge.catalog.BoundTable;
import dev.converge.check.DatabaseDigests;
import dev.converge.check.Positions;
import dev.converge.catalog.RowReader;
import dev.converge.catalog.TableCatalog;
import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictStore;
import dev.converge.decision.Decisions;
import dev.converge.conflict.ResolverRegistry;
import dev.converge.dialect.Dialect;
import dev.converge.install.IdentityAllocation;
import dev.converge.install.SchemaWatch;
import dev.converge.model.ChangeSet;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.queue.History;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.RowVersion;
import dev.converge.transport.Heartbeat;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import io.vavr.control.Either;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The local peer, embeddable in a Java application: it installs capture on its database, hands out what it has
 * queued for each peer, receives and applies what peers send, and records the conflicts it meets.
 *
 * <p>Lifecycle: {@link #open} validates the configuration against the database and installs (idempotently); the
 * application keeps writing to its tables as usual; {@link #deliverTo} (or a transport loop in the node module)
 * ships changes; {@link #close} releases the node, {@link #uninstall} removes everything Converge created.
 *
 * <p>A facade: the work is done by named parts, each owning its state and its transactions — {@link Delivery} (the
 * sending side: sequencing, reading for peers, acknowledgements), {@link Inbound} (the receiving side: validation,
 * ordering, apply, failure containment), {@link PeerLedger} (peers, acknowledgements, watermarks), {@link History}
 * (trimming what every peer has, its steps run one at a time and none lost by {@link Trimming}) and {@link Binding} (the tables as bound now, bound again when their columns change),
 * over {@link Transactions} (one database transaction per unit of work, transient failures retried).
 *
 * <p><b>Threading.</b> Thread-safe; every method may be called from any thread, and every method blocks on database
 * work only. No lock is held while a transport sends: two nodes may deliver to each other at the same time, and one
 * slow peer holds back no other. Applying is serialised per node (see {@link Inbound}); reads ({@link #conflicts},
 * {@link #replicatedRows}) and the application's own writes never wait for it in Java. The one thread of its own: a
 * step of trimming asked for while another runs is run after it, on a daemon thread that ends when idle ({@link Trimming}).
 */
public final class Node implements AutoCloseable {
    static {
        // jOOQ prints a banner on first use; a replication node's console is for its own messages
        System.setProperty("org.jooq.no-logo", System.getProperty("org.jooq.no-logo", "true"));
        System.setProperty("org.jooq.no-tips", System.getProperty("org.jooq.no-tips", "true"));
    }

    /** Replaced only by {@link #replacePeers}: every other part of it stays as the node was opened with. */
    private volatile NodeConfig config;
    private final TimeSource time;
    private final Dialect dialect;
    private final Binding binding;
    private final Transactions tx;
    private final PeerLedger peers;
    private final Delivery delivery;
    private final Inbound inbound;
    private final Relay relay;
    private final Trimming trimming;
    private final ConflictStore conflicts;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private final Decisions decisions;

    private Node(NodeConfig config, DataSource db, TimeSource time, Dialect dialect, List<BoundTable> tables,
                 Map<String, ConflictResolver> resolvers, SchemaWatch schema) {
        this.config = config;
        this.time = time;
        this.dialect = dialect;
        this.tx = new Transactions(config.id(), db, dialect);
        this.peers = new PeerLedger(config);
        this.binding = new Binding(config, tables, resolvers, time, tx, schema);
        this.delivery = new Delivery(config.id(), peers, tx, binding, config.deliveryBatch());
        this.inbound = new Inbound(config, peers, tx, binding, dialect == Dialect.POSTGRESQL);
        this.relay = new Relay(config.id(), peers, tx, config.deliveryBatch());
        this.conflicts = new ConflictStore(config.id());
        this.decisions = new Decisions(config.id(), () -> binding.follow().tables(), new Decisions.LocalTransactions() {
            @Override
            public <T> T inLocalTransaction(java.util.function.Function<DSLContext, T> work) {
                return tx.local(work::apply);
            }
        }, dialect, time, delivery::sequence);
        this.trimming = new Trimming(config.id(), step -> {
            Binding.Bound bound = binding.current();
            // the applied log's trim sequences as an apply does: beside it, shared with the node's other sequencing
            History history = new History(this.config, bound.tables(), bound.outbound(), time, ctx -> binding.sequenceCommitted(bound, ctx));
            return tx.local(ctx -> step.run(history, ctx));
        });
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
            SchemaWatch schema = SchemaWatch.start(ctx, config, dialect);
            Either<ConfigError, List<BoundTable>> bound = TableCatalog.bind(ctx, config);
            if (bound.isLeft()) {
                return Either.left(bound.getLeft());
            }
            Either<ConfigError, Map<String, ConflictResolver>> resolvers = resolvers(config, bound.get(), ctx);
            if (resolvers.isLeft()) {
                return Either.left(resolvers.getLeft());
            }
            new Installer(ctx, dialect).install(config.id(), bound.get(), HybridTimestamp.ofMillis(time.currentTimeMillis()).asLong());
            config.keyAllocation().ifPresent(a -> ctx.transaction(cfg -> IdentityAllocation.apply(cfg.dsl(), bound.get(), a)));
            // every listed peer gets its row at once, not at its first acknowledgement: a later start whose file no longer
            // lists it then finds it kept here (see keptUnlisted), even if it never acknowledged anything
            ctx.transaction(cfg -> config.peers().forEach(p -> PeerStandings.ensureRow(cfg.dsl(), p.id())));
            Node node = new Node(config, db, time, dialect, bound.get(), resolvers.get(), schema);
            node.publishWallClock();
            return Either.right(node);
        } catch (SQLException e) {
            throw new ConvergeException("cannot open node " + config.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The peers the database behind {@code db} still keeps ChangeSets and tombstones for — listed when a node opened it
     * before, or recorded by {@link #addPeer} — that {@code config} does not list, leaving out those removed for good
     * ({@link #removePeer}) or marked for resync (nothing is kept for them); empty for a database Converge is not
     * installed in. A node opened without them would hold nothing back for them any more, so that what they have not
     * acknowledged could be trimmed: {@code converge run} refuses to start instead, and says how to list them again or
     * remove them. Reads only; blocking.
     */
    public static List<NodeId> keptUnlisted(NodeConfig config, DataSource db) {
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.of(c).jooq());
            if (dev.converge.install.MetadataSchema.installed(ctx).isEmpty()) {
                return List.of();
            }
            java.util.Set<String> listed = new java.util.HashSet<>();
            config.peers().forEach(p -> listed.add(p.id().value()));
            listed.add(config.id().value());
            return ctx.select(PEER_ID).from(PEERS).where(PEER_DEPARTED.isNull()).and(PEER_RESYNC_SINCE.isNull()).orderBy(PEER_ID)
                .fetch(PEER_ID).stream().filter(id -> !listed.contains(id)).map(NodeId::of).toList();
        } catch (SQLException e) {
            throw new ConvergeException("cannot read the peers node " + config.id() + " keeps: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code config} against the database behind {@code db} as {@link #open} would — every table exists, has a
     * primary key, its column subset and row filter fit it, every resolver is registered and accepts its parameters, a
     * function a resolver calls exists — without installing or changing anything. Each table is checked on its own, so every table's first problem is
     * reported; problems between tables (two names for one table) are looked for once every table fits.
     *
     * @return every problem found; empty if {@link #open} would accept the configuration
     */
    public static List<ConfigError> validate(NodeConfig config, DataSource db) {
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.of(c).jooq());
            List<ConfigError> problems = new java.util.ArrayList<>();
            for (dev.converge.config.TableConfig table : config.tables()) {
                NodeConfig alone = config.withTables(List.of(table));
                TableCatalog.bind(ctx, alone).swap().forEach(problems::add);
            }
            if (problems.isEmpty()) {
                TableCatalog.bind(ctx, config).swap().forEach(problems::add);
            }
            ResolverRegistry registry = new ResolverRegistry(ctx);
            registry.lookup(config.defaultResolver(), "defaults.resolver").swap().forEach(problems::add);
            for (dev.converge.config.TableConfig table : config.tables()) {
                registry.forTable(config, table.name()).swap().forEach(problems::add);
            }
            return List.copyOf(problems);
        } catch (SQLException e) {
            throw new ConvergeException("cannot check node " + config.id() + " against its database: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the replication state of the node installed in {@code db} without opening it: for a node that is stopped
     * (a running node answers the same questions itself). Reads only; changes nothing.
     *
     * @return the status, or a problem if Converge is not installed in that database or was installed for another node
     */
    public static Either<ConfigError, NodeStatus> status(NodeConfig config, DataSource db) {
        try (Connection c = db.getConnection()) {
            return StatusQuery.read(DSL.using(c, Dialect.of(c).jooq()), config);
        } catch (SQLException e) {
            throw new ConvergeException("cannot read the status of node " + config.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The replicated rows of the node installed in {@code db}, for a consistency check, read without opening the node
     * (which may be stopped, or running in another process): read-only, each question in a read transaction of its
     * own. Its positions are read from the metadata tables; a node that is not running cannot sequence what was
     * committed since it stopped, so those transactions count as in flight.
     *
     * @return the source, or a problem if Converge is not installed there for this node or a table does not fit
     */
    public static Either<ConfigError, DatabaseDigests> digests(NodeConfig config, DataSource db) {
        Dialect dialect;
        List<BoundTable> tables;
        try (Connection c = db.getConnection()) {
            dialect = Dialect.of(c);
            DSLContext ctx = DSL.using(c, dialect.jooq());
            java.util.Optional<String> installed = StatusQuery.installedFor(ctx);
            if (installed.isEmpty() || !installed.get().equals(config.id().value())) {
                return Either.left(new ConfigError("database", installed.map(n -> "this database is installed for node " + n + ", not " + config.id())
                    .orElse("Converge is not installed in this database (run converge init)")));
            }
            Either<ConfigError, List<BoundTable>> bound = TableCatalog.bind(ctx, config);
            if (bound.isLeft()) {
                return Either.left(bound.getLeft());
            }
            tables = bound.get();
        } catch (SQLException e) {
            throw new ConvergeException("cannot read the database of node " + config.id() + ": " + e.getMessage(), e);
        }
        DatabaseDigests.Reads reads = new DatabaseDigests.Reads() {
            @Override
            public <T> T read(java.util.function.Function<DSLContext, T> work) {
                try (Connection c = db.getConnection()) {
                    c.setAutoCommit(false); // PostgreSQL streams a result through a cursor only inside a transaction
                    try {
                        return work.apply(DSL.using(c, dialect.jooq()));
                    } finally {
                        c.rollback();
                    }
                } catch (SQLException e) {
                    throw new ConvergeException("cannot read the database of node " + config.id() + ": " + e.getMessage(), e);
                }
            }
        };
        NodeId self = config.id();
        return Either.right(new DatabaseDigests(self.value(), () -> tables, reads, () -> reads.read(ctx -> positions(ctx, self))));
    }

    /**
     * Removes the capture triggers and every table Converge created from the database behind {@code db}, as
     * {@link #uninstall()} does, without opening a node (whose configuration may no longer fit the database).
     * Harmless if nothing is installed.
     *
     * @return the node id the database was installed for, or empty if Converge was not installed there
     */
    public static java.util.Optional<NodeId> uninstallFrom(DataSource db) {
        try (Connection c = db.getConnection()) {
            Dialect dialect = Dialect.of(c);
            DSLContext ctx = DSL.using(c, dialect.jooq());
            java.util.Optional<NodeId> installed = StatusQuery.installedFor(ctx).map(NodeId::of);
            new Installer(ctx, dialect).uninstall();
            return installed;
        } catch (SQLException e) {
            throw new ConvergeException("cannot uninstall Converge: " + e.getMessage(), e);
        }
    }

    /** The node id Converge is installed for in the database behind {@code db}, or empty if it is not installed. */
    public static java.util.Optional<NodeId> installedIn(DataSource db) {
        try (Connection c = db.getConnection()) {
            return StatusQuery.installedFor(DSL.using(c, Dialect.of(c).jooq())).map(NodeId::of);
        } catch (SQLException e) {
            throw new ConvergeException("cannot read the database: " + e.getMessage(), e);
        }
    }

    /** Every table's resolver, bound to the database ({@code sql-function}'s function must exist there). */
    private static Either<ConfigError, Map<String, ConflictResolver>> resolvers(NodeConfig config, List<BoundTable> tables, DSLContext ctx) {
        ResolverRegistry registry = new ResolverRegistry(ctx);
        Map<String, ConflictResolver> out = new HashMap<>();
        Either<ConfigError, ConflictResolver> fallback = registry.lookup(config.defaultResolver(), "defaults.resolver");
        if (fallback.isLeft()) {
            return Either.left(fallback.getLeft());
        }
        out.put("", fallback.get());
        for (BoundTable t : tables) {
            Either<ConfigError, ConflictResolver> r = registry.forTable(config, t.name());
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
     * Makes {@code others} (ids and priorities) this node's peers from now on, without reopening it: what a running node
     * does when its configuration file lists other peers. A new peer is kept from now on as at a start with it
     * configured (what it has not acknowledged is held for it, its ChangeSets and heartbeats are taken); a peer left
     * out no longer holds anything back and its ChangeSets are refused, as at a start without it — so a caller that
     * only stops talking to a peer for a while keeps it in the list. Conflicts judged from now on see the new
     * priorities. Nothing stored changes. Thread-safe; a delivery or apply already running finishes as it began.
     *
     * @throws IllegalArgumentException if a peer is this node or is listed twice
     */
    public synchronized void replacePeers(List<dev.converge.config.PeerConfig> others) {
        NodeConfig changed = config.withPeers(others);
        peers.replace(changed);
        binding.reconfigure(changed);
        config = changed;
    }

    /** Peers of this node, for transports that loop over them. */
    public List<NodeId> peers() {
        return peers.peers();
    }

    /**
     * Makes the capture triggers read this node's {@link TimeSource} from now on (a no-op for the system clock, where
     * the database's clock is used). Call it after moving a manual time source and before the next local write.
     */
    public void publishWallClock() {
        Long wall = time.isSystem() ? null : time.currentTimeMillis();
        tx.local(ctx -> ctx.update(CLOCK).set(CLOCK_WALL_OVERRIDE, wall).where(CLOCK_ID.eq(1)).execute());
    }

    /** Every ChangeSet this node originated that {@code peer} has not acknowledged, in sequence order, at most {@code limit}. */
    public List<ChangeSet> outboundFor(NodeId peer, int limit) {
        return delivery.pendingFor(peer, limit);
    }

    /**
     * The peer has durably stored everything of ours up to {@code sequence}: what every peer has is then purged.
     *
     * @throws MalformedChangeSetException if {@code peer} is not a peer, or acknowledges more than was sent
     */
    public void acknowledge(NodeId peer, long sequence) {
        if (delivery.acknowledge(peer, sequence)) {
            trim(Trimming.Step.AFTER_ACKNOWLEDGEMENT); // what every peer now has goes
        }
    }

    /**
     * Takes a batch of ChangeSets of one origin from {@code sender} (the origin itself, or a node relaying its
     * ChangeSets): each that is next in its origin's order and whose causal dependencies are met is applied at once (its
     * watermark, written with its rows, is the durable record that it arrived); from the first one that must wait, the
     * rest are stored in the inbox. A ChangeSet already applied or stored is ignored. Then every stored ChangeSet whose
     * turn has come is applied. A ChangeSet that fails to apply is contained (see {@link Inbound}): recorded as
     * {@code error} conflicts, never retried forever.
     *
     * @throws MalformedChangeSetException if the batch is not from a known peer or is inconsistent; nothing is stored
     * @throws PeerUnavailableException if this node stays busy applying another delivery for too long (retriable)
     */
    public Receipt receive(NodeId sender, List<ChangeSet> batch) {
        Receipt receipt = inbound.receive(sender, batch);
        if (receipt.applied() > 0) {
            trim(Trimming.Step.AFTER_APPLY); // what was applied may let tombstones and the applied log go
        }
        return receipt;
    }

    /**
     * Sends everything queued for {@code peer} through {@code transport} and forgets what the peer acknowledged;
     * returns how many ChangeSets went (0 at once if another thread is delivering to the same peer right now).
     *
     * @throws PeerUnavailableException if the transport cannot reach the peer; nothing is lost, call again later
     */
    public int deliverTo(NodeId peer, Transport transport) {
        return delivery.deliverTo(peer, transport, () -> trim(Trimming.Step.AFTER_ACKNOWLEDGEMENT));
    }

    /**
     * Sends {@code peer} the ChangeSets of every origin removed from the mesh ({@code converge peer remove}) that this
     * node keeps ({@link #retained}) beyond what {@code peer} is known to have applied — from its heartbeats, its
     * ChangeSets' dependencies and what it acknowledged of earlier relays — through {@code transport}, with this node as
     * sender; returns how many ChangeSets (or parts) went. So what a departed peer sent to some survivors reaches the
     * others, and what waited there on it applies. Two survivors relaying the same ChangeSets do no harm: the receiver
     * applies each exactly once. Nothing while no peer was removed (one read), nor to a peer marked or removed. Call it
     * now and then on every link (the node module does, every second); 0 at once if another thread relays to the same
     * peer right now.
     *
     * @throws PeerUnavailableException if the transport cannot reach the peer; nothing is lost, call again later
     * @throws MalformedChangeSetException if {@code peer} is not a peer
     */
    public int relayTo(NodeId peer, Transport transport) {
        return relay.relayTo(peer, transport);
    }

    /**
     * The ChangeSets of {@code origin} after sequence {@code after} that this node keeps for relaying, in sequence order
     * (one that travelled in parts as its parts, in order), at most {@code limit}: every ChangeSet of another origin
     * applied here stays until every other peer still kept is known to have applied it (see
     * {@link dev.converge.relay}). Reads only.
     */
    public List<ChangeSet> retained(NodeId origin, long after, int limit) {
        return relay.retained(origin, after, limit);
    }

    /**
     * What this node tells a peer on an idle link ({@link Heartbeat}): send it to every peer now and then (the node
     * module does, with its HTTP heartbeats), so that a peer that never writes does not hold back every tombstone.
     */
    public Heartbeat heartbeat() {
        return delivery.heartbeat();
    }

    /**
     * Takes a peer's heartbeat; a late or repeated one changes nothing. Tombstones every peer has now seen go.
     *
     * @throws MalformedChangeSetException if {@code sender} is not a peer
     */
    public void receiveHeartbeat(NodeId sender, Heartbeat heartbeat) {
        peers.requirePeer(sender);
        tx.local(ctx -> {
            PeerLedger.heartbeat(ctx, sender, heartbeat);
            return null;
        });
        trim(Trimming.Step.AFTER_HEARTBEAT);
    }

    /**
     * Opens a consistent snapshot of this node for a peer to resync from ({@code resync --from} this node): what was
     * committed is sequenced first, then one read-only transaction holds the snapshot until the source is closed. The
     * node keeps applying and capturing meanwhile.
     */
    public dev.converge.resync.SnapshotSource openSnapshot() {
        try {
            delivery.sequence();
        } catch (RuntimeException busy) {
            // only saves work: what is not sequenced when the snapshot begins is left out of it and reaches the peer as
            // ChangeSets (a node busy sequencing a large write can hold the clock row past the lock timeout)
        }
        Connection c = tx.readSnapshot();
        try {
            return new dev.converge.resync.SnapshotSource(c, DSL.using(c, dialect.jooq()), config.id(), binding.follow().tables());
        } catch (RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the snapshot failed already; that failure is the one to report
            }
            throw e;
        }
    }

    /**
     * Loads a peer's snapshot into this node ({@code resync --from PEER}, or a node joining a running mesh) and moves
     * this node's watermarks to the snapshot's position, so replication goes on from there with nothing lost and
     * nothing applied twice. Rows this node changed concurrently are decided by the table's resolver and recorded as
     * conflicts; see {@link dev.converge.resync}. Safe to run again after a failure. Blocking; pages of {@code feed} are
     * merged in transactions of their own. The node may be running: while the snapshot loads, deliveries from every
     * peer are refused at once (told to come back, as when it is busy; their senders keep them and retry), so the node
     * changes only by the load and by its application's writes, which are captured and sequenced as usual; an apply in
     * progress as the load begins ends first. One load at a time.
     *
     * @throws MalformedChangeSetException if the snapshot's source is not a peer or replicates other tables
     * @throws PeerUnavailableException if an apply in progress did not end within a minute (nothing was loaded)
     */
    public dev.converge.resync.ResyncReport resync(dev.converge.resync.SnapshotFeed feed, dev.converge.resync.ResyncProgress progress) {
        dev.converge.resync.ResyncReport report = inbound.paused("node " + config.id() + " is loading a snapshot of "
            + feed.header().source(), () -> new Resync(config.id(), peers, tx, binding).load(feed, progress));
        try {
            applyPending(); // what the source had stored and this node had waiting may be ready now
        } catch (RuntimeException e) {
            // the snapshot is loaded; what waits is applied by the next delivery or the running node's apply loop
            org.slf4j.LoggerFactory.getLogger(Node.class).warn("{} loaded the snapshot of {}; its stored ChangeSets are applied later: {}",
                config.id(), feed.header().source(), e.getMessage());
        }
        return report;
    }

    /**
     * Whether this node is loading a peer's snapshot now ({@link #resync}): deliveries and {@link #applyPending} are
     * refused until it ends. For a caller that would otherwise retry and log every refusal.
     */
    public boolean loadingSnapshot() {
        return inbound.isPaused();
    }

    /** Applies every stored ChangeSet whose turn has come and whose dependencies are met; returns how many. */
    public int applyPending() {
        return inbound.applyPending();
    }

    /**
     * The rules by which each replicated table is replicated (keys and columns as bound to the database, filter, scope,
     * the effective resolver per conflict type), in configuration order: what a peer must agree with, compared when
     * peers connect.
     */
    public List<dev.converge.config.TableRules> replicationRules() {
        return binding.follow().tables().stream().map(t -> dev.converge.config.TableRules.of(config, t.spec())).toList();
    }

    /**
     * What {@code peer} has not acknowledged yet: how many local ChangeSets, and when the oldest of them was committed
     * (physical part of its hybrid timestamp). Sequences what committed since the last delivery first, so the count is
     * current even while the peer is unreachable. A read for monitoring; a write transaction only to sequence. Nothing
     * for a peer marked for resync or removed: nothing is kept for it ({@link #standings}).
     *
     * @throws MalformedChangeSetException if {@code peer} is not a peer
     */
    public Backlog backlog(NodeId peer) {
        peers.requirePeer(peer);
        delivery.sequence();
        return tx.local(ctx -> {
            long acked = PeerLedger.acked(ctx, peer);
            if (PeerLedger.ackedIfKept(ctx, peer).isEmpty()) {
                return new Backlog(peer, 0, java.util.Optional.empty(), 0); // marked or removed: nothing is kept for it
            }
            var row = ctx.select(DSL.count(), DSL.min(OTX_TS)).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(acked)).fetchOne();
            Long oldest = row.value2();
            return new Backlog(peer, row.value1(), java.util.Optional.ofNullable(oldest)
                .map(ts -> java.time.Instant.ofEpochMilli(HybridTimestamp.fromLong(ts).physicalMillis())),
                dev.converge.queue.OutboundQueue.rowsAfter(ctx, acked));
        });
    }

    /**
     * What a peer has not acknowledged: see {@link #backlog}.
     *
     * @param rows the row operations capture recorded in those ChangeSets (the measure of {@code max_backlog_rows};
     *     ChangeSets sequenced before metadata version 3 count 0)
     */
    public record Backlog(NodeId peer, long changeSets, java.util.Optional<java.time.Instant> oldestCommit, long rows) {
        /** A backlog whose rows were not counted (0). */
        public Backlog(NodeId peer, long changeSets, java.util.Optional<java.time.Instant> oldestCommit) {
            this(peer, changeSets, oldestCommit, 0);
        }
    }

    /**
     * A cheap reading (one indexed look-up, no write) that changes when a local transaction that changed a replicated
     * table commits: the highest id of the captured rows. For a sender that waits for work between deliveries. Ids are
     * handed out at the time of the write, so two transactions committing in the other order can leave it unchanged by
     * the later commit: a waiting sender must also deliver now and then regardless.
     */
    public long captureMark() {
        return tx.local(ctx -> {
            Long max = ctx.select(DSL.max(OUTBOX_ID)).from(OUTBOX).fetchOne(0, Long.class);
            return max == null ? 0 : max;
        });
    }

    /**
     * Whether a committed local transaction waits to be sequenced (one look at a small table, no write): what
     * {@link #captureMark()} can miss — of two transactions that wrote in one order and committed in the other, the
     * one committing last does not move the mark — and a waiting sender must not leave for a second.
     */
    public boolean localCommitsWaiting() {
        return tx.local(dev.converge.queue.OutboundQueue::committedWaiting);
    }

    /**
     * Manual decisions on this node's conflicts (review, decide, replay a rejected transaction): what the workbench is
     * built on. See {@link Decisions}.
     */
    public Decisions decisions() {
        return decisions;
    }

    /**
     * How many conflicts of each type, outcome and status this node has recorded: one grouped count, cheap however
     * many there are (for monitoring; {@link #conflicts} reads every record).
     */
    public List<dev.converge.conflict.ConflictCount> conflictCounts() {
        return tx.local(conflicts::counts);
    }

    /**
     * How many conflicts this node detected per table and hour or day ({@code bucket}: {@code HOURS} or {@code DAYS},
     * UTC) within {@code [from, until)}: one grouped count (the workbench's chart). Reads only.
     */
    public List<dev.converge.conflict.ConflictBucket> conflictsOverTime(java.time.Instant from, java.time.Instant until,
                                                                        java.time.temporal.ChronoUnit bucket) {
        return tx.local(ctx -> conflicts.countsOverTime(ctx, from, until, bucket));
    }

    /** Every conflict this node has recorded, oldest first. */
    public List<ConflictRecord> conflicts() {
        return tx.local(conflicts::all);
    }

    /**
     * One page of the conflicts recorded here that match the query, in its order, after the record {@code after}
     * (a previous page's {@link dev.converge.conflict.ConflictPage#next()}), at most {@code limit} of them; fast
     * however many are recorded (keyset paging on indexes). Reads only; does not wait for apply.
     */
    public dev.converge.conflict.ConflictPage conflicts(dev.converge.conflict.ConflictQuery query, java.util.Optional<Long> after, int limit) {
        return tx.local(ctx -> conflicts.page(ctx, query, after, limit));
    }

    /** The conflict recorded here with this id. */
    public java.util.Optional<ConflictRecord> conflict(long id) {
        return tx.local(ctx -> conflicts.byId(ctx, id));
    }

    /**
     * This node's replicated rows for a consistency check with a peer: scans that keep only hash sums per key-hash
     * range, in read transactions of their own (they never wait for apply), and its positions, read without
     * sequencing.
     */
    public DatabaseDigests digests() {
        return new DatabaseDigests(config.id().value(), () -> binding.follow().tables(), new DatabaseDigests.Reads() {
            @Override
            public <T> T read(java.util.function.Function<DSLContext, T> work) {
                return tx.local(work::apply);
            }
        }, () -> tx.local(ctx -> positions(ctx, config.id())));
    }

    /**
     * How far the node is, read-only: its last sequence and the transactions waiting for one in one statement (one
     * snapshot: a sequencing pass that commits between two reads would count its transactions twice), then what it
     * applied. Reads only, so a check polling it never takes the clock row's lock from apply or the sequencer.
     */
    private static Positions positions(DSLContext ctx, NodeId self) {
        Field<Long> last = DSL.field(DSL.select(DSL.max(OTX_SEQ)).from(OUTBOX_TX_TABLE));
        Field<Long> waiting = DSL.field(StatusQuery.notYetSequencedQuery());
        var own = ctx.select(last, waiting).fetchOne();
        Map<NodeId, Long> applied = PeerLedger.applied(ctx);
        return new Positions(self, own.value1() == null ? 0 : own.value1(), own.value2() == null ? 0 : own.value2(), applied);
    }

    /** The replicated data: per replicated table, its rows that match the filter, projected to the replicated columns, in key order. */
    public Map<String, List<RowImage>> replicatedRows() {
        List<BoundTable> tables = binding.follow().tables();
        return tx.local(ctx -> {
            Map<String, List<RowImage>> out = new LinkedHashMap<>();
            for (BoundTable t : tables) {
                out.put(t.name(), RowReader.read(ctx, t, t.spec().filter().map(DSL::condition).orElse(DSL.noCondition()), false, true));
            }
            return out;
        });
    }

    /**
     * Forgets what is no longer needed (see {@link History} for the rules): captured rows and sequence rows of
     * transactions every peer acknowledged, applied-log entries no dependency can need, and the tombstones of deletes
     * every peer has applied, once they outlived the purge grace ({@link NodeConfig#purgeGrace()}). Also runs by
     * itself, in part: an acknowledgement that moved frees the outbox, ChangeSets applied free tombstones (and every
     * few of them the applied log). Each purge reads only what came since the last. A call made while another thread
     * trims returns at once with nothing removed: the purge runs once that trim ends, in the background.
     */
    public PurgeResult purge() {
        History.Purged purged = trim(Trimming.Step.PURGE);
        return new PurgeResult(purged.capturedRows(), purged.tombstones());
    }

    /**
     * Runs one step of trimming in a transaction of its own, unless another step is running right now: then it returns
     * at once with nothing removed, and the step runs once the running one ends (see {@link Trimming}). Never waits, so
     * it cannot deadlock with the database work of another thread.
     */
    private History.Purged trim(Trimming.Step step) {
        return trimming.trim(step);
    }

    /** What a purge removed. */
    public record PurgeResult(int capturedRows, int tombstones) {
    }

    /** The shadow tombstones (deleted rows) of a replicated table, oldest first. */
    public List<RowVersion> tombstones(String table) {
        BoundTable t = binding.follow().tables().stream().filter(x -> x.name().equalsIgnoreCase(table)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(table + " is not replicated by " + id()));
        delivery.sequence();
        return tx.local(ctx -> shadows.tombstones(ctx, t.shadow()));
    }

    // ---- backlog limits, resync marks and departures (see dev.converge.backlog) ----

    /**
     * Marks for resync every peer still kept whose backlog is past {@code limit} (captured rows, or the age of its
     * oldest unacknowledged ChangeSet by this node's {@link TimeSource}), then trims what they no longer hold back.
     * Cheap enough for a loop: per kept peer four look-ups by key (its row, and the first and last running row totals
     * and the oldest timestamp after its acknowledgement), whatever the backlog; nothing is sequenced. A marked peer is
     * no longer sent anything; what it lacks is no longer kept.
     *
     * @return the marks this call made (empty mostly), each logged as a warning with its advice
     */
    public List<dev.converge.backlog.ResyncMark> checkBacklog(dev.converge.backlog.BacklogLimit limit) {
        if (!limit.bounded() || peers.peers().isEmpty()) {
            return List.of();
        }
        java.time.Instant now = java.time.Instant.ofEpochMilli(time.currentTimeMillis());
        List<dev.converge.backlog.ResyncMark> marked = tx.local(ctx -> {
            List<dev.converge.backlog.ResyncMark> out = new java.util.ArrayList<>();
            for (dev.converge.backlog.PeerStanding s : PeerStandings.read(ctx, id(), peers.peers()).values()) {
                if (!s.kept()) {
                    continue;
                }
                long acked = PeerLedger.acked(ctx, s.peer());
                Long oldest = ctx.select(OTX_TS).from(OUTBOX_TX_TABLE).where(OTX_SEQ.gt(acked)).orderBy(OTX_SEQ).limit(1).fetchOne(OTX_TS);
                java.util.Optional<java.time.Instant> since = java.util.Optional.ofNullable(oldest)
                    .map(ts -> java.time.Instant.ofEpochMilli(HybridTimestamp.fromLong(ts).physicalMillis()));
                long rows = limit.rows().isPresent() ? dev.converge.queue.OutboundQueue.rowsAfter(ctx, acked) : 0;
                java.util.Optional<String> reason = limit.exceededBy(rows, since, now);
                if (reason.isPresent() && PeerStandings.mark(ctx, s.peer(), now, reason.get())) {
                    out.add(new dev.converge.backlog.ResyncMark(s.peer(), id(), now, reason.get()));
                }
            }
            return out;
        });
        if (!marked.isEmpty()) {
            marked.forEach(m -> org.slf4j.LoggerFactory.getLogger(Node.class).warn("{}: nothing is kept for it any more", m.advice()));
            trim(Trimming.Step.PURGE); // what only the marked peers held back goes now
        }
        boundRetention(limit, now);
        return marked;
    }

    /**
     * Keeps what is retained for relaying within the backlog limit: ChangeSets older than {@code max_backlog_age} go,
     * then the oldest until they hold at most {@code max_backlog_rows} changes. A peer that lacked them past the limit is
     * behind on their origin as it would be on this node's own ChangeSets; should that origin leave, it takes them over
     * from a snapshot ({@code converge resync}). Logged when anything goes.
     */
    private void boundRetention(dev.converge.backlog.BacklogLimit limit, java.time.Instant now) {
        long oldest = limit.age().map(a -> HybridTimestamp.ofMillis(Math.max(0, now.minus(a).toEpochMilli())).asLong()).orElse(Long.MIN_VALUE);
        long rows = limit.rows().orElse(Long.MAX_VALUE);
        int dropped = tx.local(ctx -> new dev.converge.relay.RelayStore().bound(ctx, oldest, rows));
        if (dropped > 0) {
            org.slf4j.LoggerFactory.getLogger(Node.class).warn("{}: {} ChangeSets kept for relaying to peers not yet known to have them were"
                + " dropped past the backlog limit; should their origin leave the mesh, a peer that lacks them takes them over with"
                + " converge resync", id(), dropped);
        }
    }

    /** Every configured peer's standing (marks either way, departure), in configuration order. Reads only. */
    public Map<NodeId, dev.converge.backlog.PeerStanding> standings() {
        return tx.local(ctx -> PeerStandings.read(ctx, id(), peers.peers()));
    }

    /**
     * Records what {@code peer} said about this node: that it marked this node for resync ({@code mark}, whose
     * {@link dev.converge.backlog.ResyncMark#peer} is this node), or that it has no mark on it (empty: a mark recorded
     * before is cleared). Written only when it changed; a transport calls it on every answer that carries it.
     *
     * @return whether it changed what was recorded
     * @throws MalformedChangeSetException if {@code peer} is not a peer
     * @throws IllegalArgumentException if the mark names other nodes
     */
    public boolean markedByPeer(NodeId peer, java.util.Optional<dev.converge.backlog.ResyncMark> mark) {
        peers.requirePeer(peer);
        mark.ifPresent(m -> {
            if (!m.peer().equals(id()) || !m.markedBy().equals(peer)) {
                throw new IllegalArgumentException("a mark told by " + peer + " must be of " + id() + " by " + peer + ", not " + m);
            }
        });
        boolean changed = tx.local(ctx -> PeerStandings.told(ctx, peer, mark));
        if (changed) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Node.class);
            mark.ifPresentOrElse(m -> log.warn("{} says: {}", peer, m.advice()), () -> log.info("{} no longer marks {} for resync", peer, id()));
        }
        return changed;
    }

    /**
     * {@code peer} has loaded a snapshot of this node taken at this node's sequence {@code acknowledgedSequence}: its
     * resync mark is cleared and what it has acknowledged of this node's ChangeSets is set to that sequence (even if
     * lower than before), so delivery to it starts with the next one and it holds history back again.
     *
     * @throws MalformedChangeSetException if {@code peer} is not a peer
     * @throws IllegalStateException if ChangeSets after {@code acknowledgedSequence} are no longer kept (trimmed while the
     *     peer was marked): the snapshot is too old, take another
     */
    public void resynced(NodeId peer, long acknowledgedSequence) {
        peers.requirePeer(peer);
        if (acknowledgedSequence < 0) {
            throw new IllegalArgumentException("a sequence is not negative: " + acknowledgedSequence);
        }
        tx.local(ctx -> {
            long trimmed = dev.converge.queue.History.outboxTrimmedThrough(ctx);
            if (acknowledgedSequence < trimmed) {
                throw new IllegalStateException("node " + id() + " no longer keeps its ChangeSets after " + acknowledgedSequence
                    + " (they were trimmed through " + trimmed + " while " + peer + " was marked for resync): load a newer snapshot");
            }
            PeerStandings.resynced(ctx, peer, acknowledgedSequence);
            return null;
        });
        org.slf4j.LoggerFactory.getLogger(Node.class).info("{} resynced from {} at sequence {}: no longer marked", peer, id(), acknowledgedSequence);
    }

    /**
     * Records in the database behind {@code db}, without opening the node (it may be stopped, or running: a running node
     * reads it at its next backlog check), that {@code peer} left the mesh for good: what it acknowledged and told in
     * heartbeats no longer counts, so nothing is kept for it, and its requests are refused.
     *
     * @return whether it was recorded now (false: it had been removed before), or a problem if Converge is not installed
     *     there for this node or {@code peer} is this node
     */
    public static Either<ConfigError, Boolean> removePeer(NodeConfig config, DataSource db, NodeId peer) {
        return changeStanding(config, db, peer, ctx -> PeerStandings.depart(ctx, peer, java.time.Instant.now()));
    }

    /**
     * Records in the database behind {@code db}, without opening the node, that {@code peer} joins the mesh (a new node,
     * or one removed before): no longer removed, no resync mark, nothing acknowledged — so this node keeps everything
     * for it from now on, while it loads a snapshot from any peer ({@code converge resync}). The peer must also be
     * listed in the configuration.
     *
     * @return whether it had been removed before, or a problem if Converge is not installed there for this node or
     *     {@code peer} is this node
     */
    public static Either<ConfigError, Boolean> addPeer(NodeConfig config, DataSource db, NodeId peer) {
        return changeStanding(config, db, peer, ctx -> PeerStandings.join(ctx, peer));
    }

    private static Either<ConfigError, Boolean> changeStanding(NodeConfig config, DataSource db, NodeId peer,
                                                               java.util.function.Function<DSLContext, Boolean> change) {
        if (peer.equals(config.id())) {
            return Either.left(new ConfigError("peer", peer + " is this node"));
        }
        try (Connection c = db.getConnection()) {
            DSLContext ctx = DSL.using(c, Dialect.of(c).jooq());
            java.util.Optional<String> installed = StatusQuery.installedFor(ctx);
            if (installed.isEmpty() || !installed.get().equals(config.id().value())) {
                return Either.left(new ConfigError("database", installed.map(n -> "this database is installed for node " + n + ", not " + config.id())
                    .orElse("Converge is not installed in this database (run converge init)")));
            }
            return Either.right(ctx.transactionResult(cfg -> change.apply(cfg.dsl())));
        } catch (SQLException e) {
            throw new ConvergeException("cannot change the peers of node " + config.id() + ": " + e.getMessage(), e);
        }
    }

    /** How many ChangeSets this node applied as part of a set-based run since it opened: for tests of how it applies. */
    long appliedInRuns() {
        return inbound.appliedInRuns();
    }

    /** How many ChangeSets this node applied ahead of the run before them since it opened: for tests of how it applies. */
    long appliedAhead() {
        return inbound.appliedAhead();
    }

    /** Removes the capture triggers and every table Converge created in this database, and nothing else. */
    public void uninstall() {
        tx.local(ctx -> {
            new Installer(ctx, dialect).uninstall();
            return null;
        });
    }

    /**
     * Stops the node's background work — trimming, and sequencing while a batch is in flight: no step begins from now on
     * and the call waits (up to 30 s each) for the one running, so the caller may close the database next. Connections
     * are taken per call from the DataSource, so nothing else is held; calls already running finish as they began.
     * Idempotent.
     */
    @Override
    public void close() {
        delivery.close();
        try {
            if (!trimming.close(java.time.Duration.ofSeconds(30))) {
                org.slf4j.LoggerFactory.getLogger(Node.class).warn("{}: a step of trimming still runs after 30 s; closing without it", config.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
