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
 * columns in a transaction of its own, one thread at a time (the watch remembers what it saw), and callers that follow
 * at once share a check that began after they called ({@link SharedRun}); it holds that lock only around this node's
 * own database work, never while a peer is called.
 */
final class Binding {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Binding.class);

    /**
     * One binding: the tables and what was built on them; {@code sequencing} shares sequencing passes between the
     * callers that sequence at once (sending threads, the applying thread, an apply's own sequencing).
     */
    record Bound(List<BoundTable> tables, OutboundQueue outbound, ApplyEngine engine, SharedRun sequencing) {
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
        SharedRun sequencing = new SharedRun();
        ApplyEngine engine = new ApplyEngine(config, tables, resolvers, time, outbound, applying -> sequenceAside(sequencing, outbound, applying));
        return new Bound(List.copyOf(tables), outbound, engine, sequencing);
    }

    /**
     * Sequences every local transaction of {@code bound} committed before the call, as an apply does before it judges
     * (see {@link #sequenceAside}); {@code ctx} is the caller's transaction, used only if that fails.
     */
    void sequenceCommitted(Bound bound, org.jooq.DSLContext ctx) {
        sequenceAside(bound.sequencing(), bound.outbound(), ctx);
    }

    /**
     * What an apply has sequenced before it judges ({@link ApplyEngine.Sequencing}): a sequencing transaction of its
     * own, so that the node's sequencing and delivery do not wait for the apply to commit. Should that transaction fail
     * (no connection free, a lock waited for too long, a database error), the apply sequences in its own transaction, as
     * it always may: then only delivery waits.
     */
    private void sequenceAside(SharedRun sequencing, OutboundQueue outbound, org.jooq.DSLContext applying) {
        if (outbound.nothingWaits(applying)) {
            return; // nothing committed waits: no pass to run, nor another thread's to wait for
        }
        try {
            // a pass another thread runs does as well, if it began after this call; waited for no longer than a lock is
            sequencing.await(() -> tx.aside(outbound::sequence), java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Transactions.ASIDE_LOCK_TIMEOUT_MILLIS));
        } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
            LOG.debug("{}: sequencing in a transaction of its own failed ({}); sequencing in the caller's transaction", config.id(), e.toString());
            outbound.sequence(applying);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvergeException(config.id() + ": interrupted while sequencing", e);
        }
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
        // a look that began after this call sees every column change committed before it, whichever thread looks
        looks.await(() -> {
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
            }
        });
        return current.get();
    }

    /** Shares the look at the columns between callers that follow at once (see {@link SharedRun}). */
    private final SharedRun looks = new SharedRun();

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
