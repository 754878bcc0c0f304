package dev.converge.resync;

import static dev.converge.install.MetaTables.*;

import dev.converge.ConvergeException;
import dev.converge.catalog.BoundTable;
import dev.converge.catalog.RowReader;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The source side of a resync: one read-only transaction at snapshot isolation, held open until {@link #close}, from
 * which a peer pulls the snapshot a page at a time — the header, each table's live rows and tombstones, and the
 * ChangeSets stored here but not applied yet. Every page is read in the same transaction, so the pages together are
 * one consistent state however long the transfer takes and whatever the node applies meanwhile.
 *
 * <p>A local write committed but not sequenced yet when the snapshot began is left out (its row is not in any page):
 * its ChangeSet has a sequence above {@link SnapshotHeader#sequence} and reaches the target as usual.
 *
 * <p>Thread-safe (every method is synchronized: pages are read one at a time on the one connection); blocking on
 * database reads. Holding it open keeps the database from cleaning up old row versions, so close it when done.
 */
public final class SnapshotSource implements SnapshotFeed, AutoCloseable {
    private final Connection connection;
    private final DSLContext ctx;
    private final Map<String, BoundTable> tables = new LinkedHashMap<>();
    private final SnapshotHeader header;
    private final Map<String, Long> sequencedHere = new HashMap<>();
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    private boolean closed;

    /**
     * Takes over {@code connection} (autocommit off, snapshot isolation already set) and reads the header, which fixes
     * the snapshot on databases that take it at the first read.
     */
    public SnapshotSource(Connection connection, DSLContext ctx, NodeId self, List<BoundTable> bound) {
        this.connection = connection;
        this.ctx = ctx;
        for (BoundTable t : LoadOrder.parentsFirst(bound)) {
            tables.put(t.name(), t);
        }
        try {
            this.header = readHeader(self);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private SnapshotHeader readHeader(NodeId self) {
        var own = ctx.select(DSL.max(OTX_SEQ), DSL.max(OTX_TS)).from(OUTBOX_TX_TABLE).fetchOne();
        long sequence = own.value1() == null ? 0 : own.value1();
        long max = own.value2() == null ? 0 : own.value2();
        Map<NodeId, SnapshotHeader.Applied> applied = new HashMap<>();
        for (var r : ctx.select(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS).from(APPLIED).fetch()) {
            applied.put(NodeId.of(r.value1()), new SnapshotHeader.Applied(r.value2(), r.value3(), r.value4() == null ? "{}" : r.value4()));
            max = Math.max(max, r.value3());
        }
        Long floor = ctx.select(CLOCK_FLOOR).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_FLOOR);
        Long given = ctx.select(SEQUENCER_FLOOR).from(SEQUENCER).where(SEQUENCER_ID.eq(1)).fetchOne(SEQUENCER_FLOOR);
        max = Math.max(max, Math.max(floor == null ? 0 : floor, given == null ? 0 : given));
        return new SnapshotHeader(self, sequence, applied, max, List.copyOf(tables.keySet()));
    }

    public synchronized SnapshotHeader header() {
        return header;
    }

    /**
     * At most {@code limit} live rows of {@code table} (those its filter replicates) after {@code after}, with their
     * versions. A row with no version is one from before replication started that nobody wrote since.
     *
     * @throws IllegalArgumentException if {@code table} is not replicated here
     */
    public synchronized SnapshotPage rows(String table, Optional<RowKey> after, int limit) {
        BoundTable t = table(table);
        Condition filter = t.spec().filter().map(DSL::condition).orElse(DSL.noCondition());
        List<RowImage> rows = RowReader.page(ctx, t, filter, after.map(t::typedKey), limit);
        Map<RowKey, RowVersion> versions = new HashMap<>();
        for (RowVersion v : shadows.versions(ctx, t.shadow(), rows.stream().map(r -> t.typedKey(t.keyOf(r))).toList()).values()) {
            versions.put(t.keyOf(v.key()), v);
        }
        List<SnapshotRow> out = new ArrayList<>();
        for (RowImage row : rows) {
            RowKey key = t.keyOf(row);
            RowVersion v = versions.get(key);
            if (v == null) {
                out.add(new SnapshotRow(key, Optional.of(row), Optional.empty()));
            } else {
                sequenced(v).ifPresent(s -> out.add(new SnapshotRow(key, Optional.of(row), Optional.of(s))));
            }
        }
        return new SnapshotPage(out, rows.size() < limit ? Optional.empty() : Optional.of(t.keyOf(rows.get(rows.size() - 1))));
    }

    /** At most {@code limit} tombstones of {@code table} after {@code after}. */
    public synchronized SnapshotPage tombstones(String table, Optional<RowKey> after, int limit) {
        BoundTable t = table(table);
        List<RowVersion> page = shadows.tombstonePage(ctx, t.shadow(), after.map(t::typedKey), limit);
        List<SnapshotRow> out = new ArrayList<>();
        for (RowVersion v : page) {
            sequenced(v).ifPresent(s -> out.add(new SnapshotRow(t.keyOf(v.key()), Optional.empty(), Optional.of(s))));
        }
        return new SnapshotPage(out, page.size() < limit ? Optional.empty() : Optional.of(t.keyOf(page.get(page.size() - 1).key())));
    }

    /**
     * Which of {@code keys} of {@code table} the snapshot knows: a live row its filter replicates, or any version (a
     * tombstone, or the version of a row the filter no longer replicates).
     */
    public synchronized Set<RowKey> known(String table, List<RowKey> keys) {
        BoundTable t = table(table);
        Set<RowKey> out = new java.util.HashSet<>();
        List<List<Object>> typed = keys.stream().map(t::typedKey).toList();
        Condition filter = t.spec().filter().map(DSL::condition).orElse(DSL.noCondition());
        for (int from = 0; from < typed.size(); from += 500) {
            List<List<Object>> chunk = typed.subList(from, Math.min(typed.size(), from + 500));
            for (RowImage r : RowReader.read(ctx, t, filter.and(dev.converge.shadow.KeyConditions.in(t.keyFields(), chunk)), false, false)) {
                out.add(t.keyOf(r));
            }
            shadows.versions(ctx, t.shadow(), chunk).values().forEach(v -> out.add(t.keyOf(v.key())));
        }
        return out;
    }

    /**
     * At most {@code limit} ChangeSets stored here but not applied yet, after ({@code origin}, {@code sequence}) in
     * that order (from the first if empty). A ChangeSet travelling in parts is not among them: its origin still holds
     * it for the target.
     */
    public synchronized List<ChangeSet> inbox(Optional<NodeId> afterOrigin, long afterSequence, int limit) {
        Condition from = afterOrigin.map(o -> DSL.row(INBOX_ORIGIN, INBOX_SEQ).gt(DSL.row(DSL.val(o.value()), DSL.val(afterSequence))))
            .orElse(DSL.noCondition());
        return ctx.select(INBOX_PAYLOAD).from(INBOX).where(from).orderBy(INBOX_ORIGIN, INBOX_SEQ).limit(limit)
            .fetch(INBOX_PAYLOAD).stream().map(ChangeSetCodec::fromJson).toList();
    }

    /**
     * The version as the snapshot holds it, its latest write given the sequence it was given if it is a local write
     * recorded before sequencing; empty if that write is not sequenced in the snapshot (it arrives as a ChangeSet).
     */
    private Optional<RowVersion> sequenced(RowVersion v) {
        if (v.originSequence().isPresent()) {
            return Optional.of(v);
        }
        String tx = v.localTransaction().orElse(null);
        if (tx == null) {
            return Optional.empty();
        }
        Long seq = sequencedHere.computeIfAbsent(tx, k -> {
            Long s = ctx.select(OTX_SEQ).from(OUTBOX_TX_TABLE).where(OTX_TX.eq(k)).fetchOne(OTX_SEQ);
            return s == null ? -1L : s;
        });
        if (seq < 0) {
            return Optional.empty();
        }
        return Optional.of(new RowVersion(v.key(), v.timestamp(), v.origin(), Optional.of(seq), Optional.empty(), v.deleted(),
            v.deletedImage(), v.concurrent(), v.columns(), v.decision(), v.lineage()));
    }

    private BoundTable table(String name) {
        BoundTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("table " + name + " is not replicated by " + header.source());
        }
        return t;
    }

    /** Ends the snapshot's transaction and gives the connection back. Harmless if called again. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try {
                connection.rollback();
                // the session outlives this use on a pooled connection: set back what every other use expects
                if (ctx.dialect().family() == org.jooq.SQLDialect.H2) {
                    ctx.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
                } else {
                    connection.setReadOnly(false);
                    connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            } finally {
                connection.close();
            }
        } catch (SQLException e) {
            throw new ConvergeException("cannot end the snapshot transaction: " + e.getMessage(), e);
        }
    }
}
