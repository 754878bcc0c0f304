package dev.converge;

import dev.converge.apply.ApplyEngine;
import dev.converge.catalog.BoundTable;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ConflictResolver;
import dev.converge.dialect.SqlFailures;
import dev.converge.install.SchemaWatch;
import dev.converge.model.ChangeSet;
import dev.converge.queue.Horizon;
import dev.converge.queue.OutboundQueue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The replicated tables as bound to the database now, and the parts built on them (the outbound queue and the apply
 * engine), bound again when a table's columns change ({@link SchemaWatch}: a column added, dropped, renamed or retyped
 * on a live table).
 *
 * <p>Thread-safe. A binding is immutable; callers take the {@linkplain #current current one} for a unit of work and
 * keep it to the end, so a rebinding never changes the tables under a running apply. {@link #follow} checks the
 * columns in a transaction of its own, one thread at a time (the watch remembers what it saw); it holds that lock only
 * around this node's own database work, never while a peer is called.
 */
final class Binding {
    /** One binding: the tables and what was built on them. */
    record Bound(List<BoundTable> tables, OutboundQueue outbound, ApplyEngine engine) {
    }

    /** Replaced (under the watch's lock) when a running node's peers change: priorities decide conflicts. */
    private volatile NodeConfig config;
    private final Map<String, ConflictResolver> resolvers;
    private final TimeSource time;
    private final Transactions tx;
    private final SchemaWatch watch;
    private final AtomicReference<Bound> current = new AtomicReference<>();

    Binding(NodeConfig config, List<BoundTable> tables, Map<String, ConflictResolver> resolvers, TimeSource time, Transactions tx,
            SchemaWatch watch) {
        this.config = config;
        this.resolvers = Map.copyOf(resolvers);
        this.time = time;
        this.tx = tx;
        this.watch = watch;
        current.set(bind(tables));
    }

    private Bound bind(List<BoundTable> tables) {
        // the tables of a merging resolver keep column stamps in their rows' versions, local writes included
        Set<String> stamped = tables.stream().map(BoundTable::name)
            .filter(t -> resolvers.getOrDefault(t, resolvers.get("")).merges()).collect(Collectors.toSet());
        // the tables of a resolver that compares histories keep each row's lineage, local writes included
        Set<String> lineaged = tables.stream().map(BoundTable::name)
            .filter(t -> resolvers.getOrDefault(t, resolvers.get("")).comparesHistories()).collect(Collectors.toSet());
        OutboundQueue outbound = new OutboundQueue(config.id(), tables, stamped, lineaged, new Horizon(config.peers().isEmpty()));
        return new Bound(List.copyOf(tables), outbound, new ApplyEngine(config, tables, resolvers, time, outbound));
    }

    /** The binding in force now. */
    Bound current() {
        return current.get();
    }

    /**
     * Binds the tables again if their columns changed since the last look (capture is re-installed for the tables that
     * changed, in the same transaction); returns the binding in force afterwards.
     */
    Bound follow() {
        synchronized (watch) {
            Bound before = current.get();
            try {
                // once: the watch remembers what it saw, so a retried attempt would find nothing changed and the
                // capture it re-installed in the failed one would stay rolled back
                Optional<List<BoundTable>> rebound = tx.localOnce(ctx -> watch.changed(ctx, before.tables()));
                rebound.ifPresent(tables -> current.set(bind(tables)));
            } catch (RuntimeException e) {
                watch.reset(); // the capture it re-installed was rolled back: do it again next time
                if (!SqlFailures.isTransient(e)) {
                    throw e;
                }
                // transient: go on with the binding in force; the next call looks again
            }
            return current.get();
        }
    }

    /**
     * Binds the same tables again under {@code changed} (its peers and their priorities differ): what applies from now
     * on judges conflicts with them; an apply already running finishes with the binding it took, as after a schema
     * change.
     */
    void reconfigure(NodeConfig changed) {
        synchronized (watch) {
            config = changed;
            current.set(bind(current.get().tables()));
        }
    }

    /** Why {@code cs} cannot be applied to the tables as bound now (a column they lack), or empty. Call it under the apply lock. */
    Optional<String> misfit(ChangeSet cs, Bound bound) {
        synchronized (watch) {
            return watch.misfit(cs, bound.tables());
        }
    }
}
