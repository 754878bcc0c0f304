package dev.converge.config;

import dev.converge.model.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a node needs to know before it installs: who it is, its priority, its peers, the replicated tables and
 * the defaults for conflict scope and resolver. Immutable; build one with {@link #builder(String)}.
 *
 * <p>Which resolver decides a conflict ({@link #resolverOf(String, dev.converge.conflict.ConflictType)}), most specific
 * first: the table's rule for the conflict's type, the default rule for that type, the table's rule, the default rule.
 * Every peer of a mesh must decide a table's conflicts by the same rules (and the same node priorities), or the peers
 * do not converge: each node decides alone, by its own configuration.
 */
public record NodeConfig(NodeId id, int priority, List<PeerConfig> peers, List<TableConfig> tables,
                         ConflictScope defaultScope, ResolverSpec defaultResolver, java.time.Duration purgeGrace,
                         java.util.Map<dev.converge.conflict.ConflictType, ResolverSpec> defaultResolverByType,
                         Optional<KeyAllocation> keyAllocation, java.time.Duration resolverTimeLimit, int deliveryBatch) {
    /** How many ChangeSets go to a peer in one transport call by default (see {@link #deliveryBatch()}). */
    public static final int DEFAULT_DELIVERY_BATCH = 200;

    /** A configuration with the default delivery batch ({@link #DEFAULT_DELIVERY_BATCH}). */
    public NodeConfig(NodeId id, int priority, List<PeerConfig> peers, List<TableConfig> tables, ConflictScope defaultScope,
                      ResolverSpec defaultResolver, java.time.Duration purgeGrace,
                      java.util.Map<dev.converge.conflict.ConflictType, ResolverSpec> defaultResolverByType,
                      Optional<KeyAllocation> keyAllocation, java.time.Duration resolverTimeLimit) {
        this(id, priority, peers, tables, defaultScope, defaultResolver, purgeGrace, defaultResolverByType, keyAllocation,
            resolverTimeLimit, DEFAULT_DELIVERY_BATCH);
    }

    /**
     * How long a tombstone outlives the purge horizon by default: a margin beyond it, as Cassandra's
     * {@code gc_grace_seconds} is. (A local transaction is stamped when it is sequenced, after it commits, so one that
     * stayed open long is stamped after everything its node committed or applied before it, not at its first write.)
     */
    public static final java.time.Duration DEFAULT_PURGE_GRACE = java.time.Duration.ofHours(1);

    /** How long a user's resolver may take to decide one conflict by default (see {@link #resolverTimeLimit()}). */
    public static final java.time.Duration DEFAULT_RESOLVER_TIME_LIMIT = java.time.Duration.ofSeconds(2);

    public NodeConfig {
        Objects.requireNonNull(id);
        peers = List.copyOf(peers);
        tables = List.copyOf(tables);
        Objects.requireNonNull(defaultScope);
        Objects.requireNonNull(defaultResolver);
        Objects.requireNonNull(purgeGrace);
        defaultResolverByType = ResolverChoice.copy(defaultResolverByType);
        Objects.requireNonNull(keyAllocation);
        Objects.requireNonNull(resolverTimeLimit);
        if (resolverTimeLimit.isNegative() || resolverTimeLimit.isZero()) {
            throw new IllegalArgumentException("the resolver time limit must be positive: " + resolverTimeLimit);
        }
        if (purgeGrace.isNegative()) {
            throw new IllegalArgumentException("purge grace may not be negative: " + purgeGrace);
        }
        if (deliveryBatch < 1) {
            throw new IllegalArgumentException("the delivery batch must hold at least 1 ChangeSet, not " + deliveryBatch);
        }
    }

    /** The same configuration replicating {@code only} these tables. */
    public NodeConfig withTables(List<TableConfig> only) {
        return new NodeConfig(id, priority, peers, only, defaultScope, defaultResolver, purgeGrace, defaultResolverByType, keyAllocation,
            resolverTimeLimit, deliveryBatch);
    }

    /**
     * The same configuration with {@code others} as its peers (ids and priorities), for a running node that reloads its
     * peers ({@code Node.replacePeers}).
     *
     * @throws IllegalArgumentException if a peer is this node or is listed twice
     */
    public NodeConfig withPeers(List<PeerConfig> others) {
        java.util.Set<NodeId> seen = new java.util.HashSet<>();
        for (PeerConfig p : others) {
            if (p.id().equals(id)) {
                throw new IllegalArgumentException("node " + id + " cannot be its own peer");
            }
            if (!seen.add(p.id())) {
                throw new IllegalArgumentException("peer " + p.id() + " is listed twice");
            }
        }
        return new NodeConfig(id, priority, others, tables, defaultScope, defaultResolver, purgeGrace, defaultResolverByType, keyAllocation,
            resolverTimeLimit, deliveryBatch);
    }

    public static Builder builder(String id) {
        return new Builder(NodeId.of(id));
    }

    /**
     * The configuration of a table: the one named exactly so, else one named so ignoring case (a configuration may say
     * {@code pers} for H2's {@code PERS}).
     */
    public Optional<TableConfig> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst()
            .or(() -> tables.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst());
    }

    public ConflictScope scopeOf(String table) {
        return table(table).flatMap(TableConfig::scope).orElse(defaultScope);
    }

    /** The table's rule, or the default one: what decides its conflicts of a type no rule is chosen for. */
    public ResolverSpec resolverOf(String table) {
        return table(table).flatMap(TableConfig::resolver).orElse(defaultResolver);
    }

    /** The rule that decides {@code table}'s conflicts of {@code type} (see the class's documentation). */
    public ResolverSpec resolverOf(String table, dev.converge.conflict.ConflictType type) {
        Optional<TableConfig> t = table(table);
        return t.map(x -> x.resolverByType().get(type))
            .or(() -> Optional.ofNullable(defaultResolverByType.get(type)))
            .orElseGet(() -> resolverOf(table));
    }

    /** The conflict types {@code table} has a rule of their own for, from the table's or the defaults' per-type rules. */
    public java.util.Set<dev.converge.conflict.ConflictType> typesWithOwnResolver(String table) {
        java.util.Set<dev.converge.conflict.ConflictType> types = java.util.EnumSet.noneOf(dev.converge.conflict.ConflictType.class);
        types.addAll(defaultResolverByType.keySet());
        table(table).ifPresent(t -> types.addAll(t.resolverByType().keySet()));
        return types;
    }

    /** The priority of this node or of one of its peers; 0 for a node it does not know. */
    public int priorityOf(NodeId node) {
        if (node.equals(id)) {
            return priority;
        }
        return peers.stream().filter(p -> p.id().equals(node)).mapToInt(PeerConfig::priority).findFirst().orElse(0);
    }

    public static final class Builder {
        private final NodeId id;
        private int priority;
        private final java.util.ArrayList<PeerConfig> peers = new java.util.ArrayList<>();
        private final java.util.ArrayList<TableConfig> tables = new java.util.ArrayList<>();
        private ConflictScope scope = ConflictScope.ROW;
        private ResolverSpec resolver = ResolverSpec.TIMESTAMP;
        private java.time.Duration purgeGrace = DEFAULT_PURGE_GRACE;
        private java.util.Map<dev.converge.conflict.ConflictType, ResolverSpec> resolverByType = java.util.Map.of();
        private KeyAllocation keyAllocation;
        private java.time.Duration resolverTimeLimit = DEFAULT_RESOLVER_TIME_LIMIT;
        private int deliveryBatch = DEFAULT_DELIVERY_BATCH;

        private Builder(NodeId id) {
            this.id = id;
        }

        public Builder priority(int p) {
            this.priority = p;
            return this;
        }

        public Builder peer(String peerId, int peerPriority) {
            NodeId p = NodeId.of(peerId);
            if (p.equals(id)) {
                throw new IllegalArgumentException("node " + id + " cannot be its own peer");
            }
            if (peers.stream().anyMatch(x -> x.id().equals(p))) {
                throw new IllegalArgumentException("peer " + p + " was already added");
            }
            peers.add(new PeerConfig(p, peerPriority));
            return this;
        }

        public Builder peer(String peerId) {
            return peer(peerId, 0);
        }

        /**
         * Adds a replicated table. Names that differ only in case ({@code "Foo"} and {@code foo}) are two tables; whether
         * they name the same table in the database is checked when the node opens.
         */
        public Builder table(TableConfig t) {
            if (tables.stream().anyMatch(x -> x.name().equals(t.name()))) {
                throw new IllegalArgumentException("table " + t.name() + " was already added");
            }
            tables.add(t);
            return this;
        }

        public Builder table(String name) {
            return table(TableConfig.of(name));
        }

        public Builder defaultScope(ConflictScope s) {
            this.scope = Objects.requireNonNull(s);
            return this;
        }

        public Builder defaultResolver(ResolverSpec r) {
            this.resolver = Objects.requireNonNull(r);
            return this;
        }

        /**
         * Conflicts of {@code type} on every table are decided by {@code r} unless the table chooses its own rule for that
         * type ({@link TableConfig#withResolver(dev.converge.conflict.ConflictType, ResolverSpec)}); refuses a type set
         * twice and the types no resolver decides.
         */
        public Builder defaultResolver(dev.converge.conflict.ConflictType type, ResolverSpec r) {
            this.resolverByType = ResolverChoice.with(resolverByType, type, r);
            return this;
        }

        /** How long tombstones outlive the purge horizon (default {@link #DEFAULT_PURGE_GRACE}). */
        public Builder purgeGrace(java.time.Duration grace) {
            this.purgeGrace = Objects.requireNonNull(grace);
            return this;
        }

        /**
         * Identity columns and sequences of replicated tables hand out only this node's class of numbers (see
         * {@link KeyAllocation}); by default they are left as they are.
         */
        public Builder keyAllocation(int stride, int offset) {
            this.keyAllocation = new KeyAllocation(stride, offset);
            return this;
        }

        /**
         * How long a user's resolver may take to decide one conflict (default {@link #DEFAULT_RESOLVER_TIME_LIMIT}); past
         * it the conflict is parked with the error (see {@code conflict.ResolverCall}). Built-in resolvers are not timed.
         */
        public Builder resolverTimeLimit(java.time.Duration limit) {
            this.resolverTimeLimit = Objects.requireNonNull(limit);
            return this;
        }

        /**
         * The most ChangeSets sent to a peer in one transport call (default {@link #DEFAULT_DELIVERY_BATCH}), by delivery
         * and by relaying; whatever the number, one call carries at most {@code OutboundQueue.CHANGES_PER_READ} row
         * changes (a larger ChangeSet goes in parts).
         */
        public Builder deliveryBatch(int changeSets) {
            this.deliveryBatch = changeSets;
            return this;
        }

        public NodeConfig build() {
            return new NodeConfig(id, priority, peers, tables, scope, resolver, purgeGrace, resolverByType,
                Optional.ofNullable(keyAllocation), resolverTimeLimit, deliveryBatch);
        }
    }
}
