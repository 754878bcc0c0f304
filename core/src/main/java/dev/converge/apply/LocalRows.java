package dev.converge.apply;

import static dev.converge.install.MetaTables.*;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.queue.OutboundQueue;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The load stage of apply: what this node holds for every key an incoming ChangeSet touches — the row (locked), its
 * version and shadow, and whether every write of the version lies in the ChangeSet's causal past. One query per table and
 * chunk of keys. Stateless apart from its collaborators; used inside the apply transaction only.
 */
final class LocalRows {
    private final Tables tables;
    private final OutboundQueue outbound;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    LocalRows(Tables tables, OutboundQueue outbound) {
        this.tables = tables;
        this.outbound = outbound;
    }

    /** A change's table and key: what a local row is found by. */
    record TableKey(String table, RowKey key) {
        static TableKey of(Change c) {
            return new TableKey(c.table(), c.key());
        }
    }

    Map<TableKey, LocalRow> load(DSLContext ctx, ChangeSet cs, HybridTimestamp initial) {
        Map<String, List<RowKey>> keysByTable = new LinkedHashMap<>();
        for (Change c : cs.changes()) {
            keysByTable.computeIfAbsent(tables.get(c.table()).name(), k -> new ArrayList<>()).add(c.key());
        }
        Map<String, Map<RowKey, RowImage>> rowsByTable = new HashMap<>();
        for (Map.Entry<String, List<RowKey>> e : keysByTable.entrySet()) {
            rowsByTable.put(e.getKey(), rows(ctx, tables.get(e.getKey()), e.getValue()));
        }
        // a user transaction this apply waited for has committed its rows: its net effect gives them their versions
        outbound.sequence(ctx);
        Map<TableKey, LocalRow> out = new HashMap<>();
        Map<String, Long> deps = dependencies(cs);
        for (Map.Entry<String, List<RowKey>> e : keysByTable.entrySet()) {
            BoundTable t = tables.get(e.getKey());
            Map<RowKey, RowImage> rows = rowsByTable.get(e.getKey());
            Map<RowKey, RowVersion> versions = versions(ctx, t, e.getValue());
            Map<String, Long> localSeqs = localSequences(ctx, versions.values());
            for (Change c : cs.changes()) {
                if (tables.get(c.table()) == t) {
                    out.put(TableKey.of(c), local(t, cs.origin().value(), deps, rows.get(c.key()), versions.get(c.key()), localSeqs, initial));
                }
            }
        }
        return out;
    }

    /**
     * What this node holds for {@code keys} of one table — rows locked, versions with the sequences of local writes
     * filled in — for a snapshot page being merged (see {@link SnapshotApply}), which judges causality itself.
     */
    Map<RowKey, LocalRow> load(DSLContext ctx, BoundTable t, List<RowKey> keys, HybridTimestamp initial) {
        Map<RowKey, RowImage> rows = rows(ctx, t, keys);
        outbound.sequence(ctx);
        Map<RowKey, RowVersion> versions = versions(ctx, t, keys);
        Map<String, Long> localSeqs = localSequences(ctx, versions.values());
        Map<RowKey, LocalRow> out = new HashMap<>();
        for (RowKey k : keys) {
            out.put(k, local(t, "", Map.of(), rows.get(k), versions.get(k), localSeqs, initial));
        }
        return out;
    }

    private LocalRow local(BoundTable t, String writer, Map<String, Long> deps, RowImage row, RowVersion stored, Map<String, Long> localSeqs,
                           HybridTimestamp initial) {
        if (stored == null) {
            return new LocalRow(Optional.ofNullable(row), Optional.empty(), initial, Optional.empty(), true, Optional.empty());
        }
        RowVersion v = withSequence(stored, localSeqs);
        Optional<RowImage> shadow = v.deleted() ? v.deletedImage().map(ChangeSetCodec::imageFromJson).map(t::canonical).map(t.spec()::project) : Optional.empty();
        return new LocalRow(Optional.ofNullable(row), shadow, HybridTimestamp.fromLong(v.timestamp()), Optional.of(NodeId.of(v.origin())),
            v.seenBy(writer, deps), Optional.of(v));
    }

    /** A version of a local write recorded before it was sequenced names its transaction: given its sequence, if it has one. */
    private static RowVersion withSequence(RowVersion v, Map<String, Long> localSeqs) {
        Long seq = v.originSequence().isEmpty() ? v.localTransaction().map(localSeqs::get).orElse(null) : null;
        return seq == null ? v : new RowVersion(v.key(), v.timestamp(), v.origin(), Optional.of(seq), v.localTransaction(), v.deleted(),
            v.deletedImage(), v.concurrent(), v.columns(), v.decision());
    }

    /** The ChangeSet's dependencies by origin name, as versions name origins. */
    static Map<String, Long> dependencies(ChangeSet cs) {
        Map<String, Long> out = new HashMap<>();
        cs.dependencies().forEach((origin, seq) -> out.put(origin.value(), seq));
        return out;
    }

    private static Map<String, Long> localSequences(DSLContext ctx, Collection<RowVersion> versions) {
        List<String> txs = versions.stream().flatMap(v -> v.localTransaction().stream()).distinct().toList();
        Map<String, Long> out = new HashMap<>();
        if (!txs.isEmpty()) {
            ctx.select(OTX_TX, OTX_SEQ).from(OUTBOX_TX_TABLE).where(OTX_TX.in(txs)).fetch().forEach(r -> out.put(r.value1(), r.value2()));
        }
        return out;
    }

    /**
     * The local rows, locked: a user transaction that has written one of them but not committed is waited for, and its
     * row and version are then judged; without the lock the apply would judge the image committed before and overwrite
     * the user's write without a conflict. Versions are read after the rows, so they are at least as recent.
     */
    private static Map<RowKey, RowImage> rows(DSLContext ctx, BoundTable t, List<RowKey> keys) {
        Map<RowKey, RowImage> out = new HashMap<>();
        List<List<Object>> typed = keys.stream().map(t::typedKey).toList();
        for (int from = 0; from < typed.size(); from += 500) {
            List<List<Object>> chunk = typed.subList(from, Math.min(typed.size(), from + 500));
            // read as capture reads rows, so that an unchanged row compares equal to the image a peer captured of it
            for (RowImage image : RowReader.read(ctx, t, KeyConditions.in(t.keyFields(), chunk), true, false)) {
                out.put(t.keyOf(image), image);
            }
        }
        return out;
    }

    private Map<RowKey, RowVersion> versions(DSLContext ctx, BoundTable t, List<RowKey> keys) {
        Map<RowKey, RowVersion> out = new HashMap<>();
        for (RowVersion v : shadows.versions(ctx, t.shadow(), keys.stream().map(t::typedKey).toList()).values()) {
            out.put(t.keyOf(v.key()), v);
        }
        return out;
    }
}
