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
    private final ApplyEngine.Sequencing sequencing;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    LocalRows(Tables tables, ApplyEngine.Sequencing sequencing) {
        this.tables = tables;
        this.sequencing = sequencing;
    }

    /** A change's table and key: what a local row is found by. */
    record TableKey(String table, RowKey key) {
        static TableKey of(Change c) {
            return new TableKey(c.table(), c.key());
        }
    }

    Map<TableKey, LocalRow> load(DSLContext ctx, ChangeSet cs, HybridTimestamp initial) {
        Map<TableKey, Held> held = loadHeld(ctx, cs.changes());
        Map<TableKey, LocalRow> out = new HashMap<>();
        for (Change c : cs.changes()) {
            Held h = held.get(heldKey(c));
            out.put(TableKey.of(c), judge(h.table(), cs, h.row(), h.version(), initial));
        }
        return out;
    }

    /**
     * What this node holds for one key, before it is judged against a particular ChangeSet: the row (null if missing)
     * and its version (null if none; a local write's version carries its sequence once it has one).
     */
    record Held(BoundTable table, RowImage row, RowVersion version) {
    }

    /** The key {@link #loadHeld} files a change's row under: its table's own name, so spellings of a name agree. */
    TableKey heldKey(Change c) {
        return new TableKey(tables.get(c.table()).name(), c.key());
    }

    /**
     * The rows (locked) and versions of every key {@code changes} touch, by {@link #heldKey}: one query per table and
     * chunk of keys for the rows, one sequencing pass, then one per table and chunk for the versions. A run of several
     * ChangeSets loads its keys here once. The pass runs after the rows are locked: a transaction that wrote a row
     * and committed before the row's lock was granted gets its version before the row is judged (the apply sequenced
     * once already before it locked anything, so that this pass finds little to do: {@code ApplyEngine.begin}).
     */
    Map<TableKey, Held> loadHeld(DSLContext ctx, Collection<Change> changes) {
        return loadHeld(ctx, changes, sequencing);
    }

    /** {@link #loadHeld(DSLContext, Collection)} with {@code pass} as the sequencing pass after the rows are locked. */
    Map<TableKey, Held> loadHeld(DSLContext ctx, Collection<Change> changes, ApplyEngine.Sequencing pass) {
        Map<String, java.util.LinkedHashSet<RowKey>> keysByTable = new LinkedHashMap<>();
        for (Change c : changes) {
            keysByTable.computeIfAbsent(tables.get(c.table()).name(), k -> new java.util.LinkedHashSet<>()).add(c.key());
        }
        Map<String, Map<RowKey, RowImage>> rowsByTable = new HashMap<>();
        for (Map.Entry<String, java.util.LinkedHashSet<RowKey>> e : keysByTable.entrySet()) {
            rowsByTable.put(e.getKey(), rows(ctx, tables.get(e.getKey()), new ArrayList<>(e.getValue())));
        }
        // a user transaction this apply waited for has committed its rows: its net effect gives them their versions
        pass.sequenceCommitted(ctx);
        Map<TableKey, Held> out = new HashMap<>();
        for (Map.Entry<String, java.util.LinkedHashSet<RowKey>> e : keysByTable.entrySet()) {
            BoundTable t = tables.get(e.getKey());
            Map<RowKey, RowImage> rows = rowsByTable.get(e.getKey());
            Map<RowKey, RowVersion> versions = versions(ctx, t, new ArrayList<>(e.getValue()));
            Map<String, Long> localSeqs = localSequences(ctx, versions.values());
            for (RowKey key : e.getValue()) {
                RowVersion v = versions.get(key);
                out.put(new TableKey(t.name(), key), new Held(t, rows.get(key), v == null ? null : withSequence(v, localSeqs)));
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
        sequencing.sequenceCommitted(ctx);
        Map<RowKey, RowVersion> versions = versions(ctx, t, keys);
        Map<String, Long> localSeqs = localSequences(ctx, versions.values());
        Map<RowKey, LocalRow> out = new HashMap<>();
        for (RowKey k : keys) {
            RowVersion v = versions.get(k);
            out.put(k, local(t, "", Map.of(), rows.get(k), v == null ? null : withSequence(v, localSeqs), initial));
        }
        return out;
    }

    /** What {@code cs} meets at a key where this node holds {@code row} (null: missing) with {@code version} (null: none). */
    LocalRow judge(BoundTable t, ChangeSet cs, RowImage row, RowVersion version, HybridTimestamp initial) {
        return local(t, cs.origin().value(), dependencies(cs), row, version, initial);
    }

    private static LocalRow local(BoundTable t, String writer, Map<String, Long> deps, RowImage row, RowVersion v, HybridTimestamp initial) {
        if (v == null) {
            return new LocalRow(Optional.ofNullable(row), Optional.empty(), initial, Optional.empty(), true, Optional.empty());
        }
        Optional<RowImage> shadow = v.deleted() ? v.deletedImage().map(ChangeSetCodec::imageFromJson).map(t::canonical).map(t.spec()::project) : Optional.empty();
        return new LocalRow(Optional.ofNullable(row), shadow, HybridTimestamp.fromLong(v.timestamp()), Optional.of(NodeId.of(v.origin())),
            v.seenBy(writer, deps), Optional.of(v));
    }

    /** A version of a local write recorded before it was sequenced names its transaction: given its sequence, if it has one. */
    private static RowVersion withSequence(RowVersion v, Map<String, Long> localSeqs) {
        Long seq = v.originSequence().isEmpty() ? v.localTransaction().map(localSeqs::get).orElse(null) : null;
        return seq == null ? v : v.withSequence(seq);
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
