package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.Reference;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.conflict.Stamp;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Settles a row the target refused because of a foreign key between two peers' concurrent writes — the seed's
 * example: A deletes supplier 12 at 12:05 while B inserts product 1023 of supplier 12 at 12:07. Plain peer-to-peer
 * ends with A holding neither row and B both. Here the later write wins on every peer:
 * <ul>
 *   <li><b>A child whose parent is gone</b> (an insert or update refused because the row it refers to is missing): if
 *       the parent's shadow holds its tombstone and the child's write is later than the delete, the parent is
 *       <em>resurrected from its shadow</em> (its image as deleted) and the child written; if the delete is later, the
 *       child loses and is not here (an older image of it goes too).</li>
 *   <li><b>A parent delete refused by children</b> (a {@code RESTRICT} or {@code NO ACTION} key): if a child was
 *       written after the delete, the delete loses ({@code kept-local}); otherwise the children go with it, then the
 *       parent.</li>
 * </ul>
 * Each peer meets the same two writes and decides alike: the parent ends alive or deleted everywhere, with the same
 * version (a resurrected or kept parent carries the losing delete's stamp as a live version; a child removed with its
 * parent gets a tombstone with the delete's stamp). Both are recorded as {@code constraint} conflicts with the outcome
 * and what was done. Only keys that refer to a replicated table's primary key are judged; a parent without a tombstone
 * (deleted before replication, or purged), a key that cascades or sets on delete, or a row still refused after this
 * stays a parked {@code constraint} conflict. Undone as a whole (savepoint) when the row still cannot be written.
 *
 * <p>Stateless apart from its collaborators; used inside the apply transaction only.
 */
final class ForeignKeyConflicts {
    private final Tables tables;
    private final ConflictRecords records;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    ForeignKeyConflicts(Tables tables, ConflictRecords records) {
        this.tables = tables;
        this.records = records;
    }

    /** The refused plan {@code p} of {@code cs} settled, or empty if its refusal is not a conflict this class judges. */
    Optional<Plan> settle(Connection connection, DSLContext ctx, ChangeSet cs, Plan p) throws SQLException {
        if (p.write().isEmpty()) {
            return Optional.empty();
        }
        Savepoint start = connection.setSavepoint();
        Optional<Plan> settled = p.change() instanceof Change.Delete ? parentDelete(connection, ctx, cs, p) : orphan(connection, ctx, cs, p);
        if (settled.isEmpty()) {
            connection.rollback(start);
        }
        return settled;
    }

    // ---- a child whose parent is gone ------------------------------------------------------------------------------

    private Optional<Plan> orphan(Connection connection, DSLContext ctx, ChangeSet cs, Plan p) throws SQLException {
        Change c = p.change();
        BoundTable t = tables.get(c.table());
        RowImage row = c.after().orElseThrow();
        Stamp childStamp = Stamp.of(c.timestamp(), cs.origin(), cs.sequence());
        List<String> resurrected = new ArrayList<>();
        for (Reference r : t.references()) {
            Optional<BoundTable> parent = tables.find(r.parentTable());
            Optional<List<Object>> parentKey = parent.flatMap(pt -> keyOf(pt, r, row));
            if (parentKey.isEmpty() || exists(ctx, parent.get(), parentKey.get())) {
                continue;
            }
            BoundTable pt = parent.get();
            RowVersion tomb = shadows.versions(ctx, pt.shadow(), List.of(parentKey.get())).values().stream().findFirst().orElse(null);
            if (tomb == null || !tomb.deleted() || tomb.deletedImage().isEmpty()) {
                return Optional.empty(); // no delete to judge against: a person decides
            }
            Stamp deleteStamp = stamp(tomb);
            RowKey parentRowKey = pt.keyOf(parentKey.get());
            if (childStamp.compareTo(deleteStamp) < 0) {
                LosingRow.remove(connection, ctx, t, c, tomb.timestamp(), tomb.origin(), tomb.originSequence().orElse(0L));
                return Optional.of(Plan.lost(c, records.refusedDecided(cs, p, ConflictType.CONSTRAINT, Outcome.KEPT_LOCAL,
                    ConflictStatus.AUTO_RESOLVED, "its parent " + pt.name() + " " + parentRowKey + " was deleted by a later write ("
                        + deleteStamp + "): this row lost and is not here (removed if it was)")));
            }
            RowImage image = pt.spec().project(pt.canonical(ChangeSetCodec.imageFromJson(tomb.deletedImage().get())));
            if (!new RowWriter(connection, ctx).execute(List.of(new RowWriter.InsertRow(pt, image))).isEmpty()) {
                return Optional.empty();
            }
            shadows.write(ctx, pt.shadow(), List.of(aliveAt(tomb)));
            resurrected.add(pt.name() + " " + parentRowKey);
        }
        if (resurrected.isEmpty() || !new RowWriter(connection, ctx).execute(List.of(p.write().get())).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Plan.conflict(c, Optional.empty(), p.version(), records.refusedDecided(cs, p, ConflictType.CONSTRAINT,
            Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED, "its parent " + String.join(", ", resurrected)
                + " was deleted by an earlier write: resurrected from its shadow, and this row written")));
    }

    /** The parent's key a row refers to through {@code r} (to the parent's primary key), if every column is set. */
    private static Optional<List<Object>> keyOf(BoundTable parent, Reference r, RowImage row) {
        if (!r.parentColumns().stream().map(String::toLowerCase).toList()
            .equals(parent.spec().keyColumns().stream().map(String::toLowerCase).toList())) {
            return Optional.empty();
        }
        Map<String, Object> key = new LinkedHashMap<>();
        for (int i = 0; i < r.columns().size(); i++) {
            Object v = row.get(r.columns().get(i));
            if (v == null) {
                return Optional.empty();
            }
            key.put(parent.spec().keyColumns().get(i), v);
        }
        return Optional.of(parent.typedKey(new RowKey(key)));
    }

    // ---- a parent delete refused by its children -------------------------------------------------------------------

    private Optional<Plan> parentDelete(Connection connection, DSLContext ctx, ChangeSet cs, Plan p) throws SQLException {
        Change c = p.change();
        BoundTable pt = tables.get(c.table());
        List<Object> parentKey = pt.typedKey(c.key());
        Stamp deleteStamp = Stamp.of(c.timestamp(), cs.origin(), cs.sequence());
        List<Child> children = new ArrayList<>();
        for (BoundTable t : tables.all()) {
            for (Reference r : t.references()) {
                if (!r.parentTable().equalsIgnoreCase(pt.name())) {
                    continue;
                }
                if (!r.restricts()) {
                    return Optional.empty(); // a cascading key: its effect is not judged here
                }
                children.addAll(children(ctx, t, r, parentKey));
            }
        }
        if (children.isEmpty()) {
            return Optional.empty(); // refused for another reason
        }
        Optional<Child> newer = children.stream().filter(ch -> ch.stamp().compareTo(deleteStamp) > 0).findFirst();
        if (newer.isPresent()) {
            shadows.write(ctx, pt.shadow(), List.of(RowVersion.live(parentKey, c.timestamp().asLong(), cs.origin().value(), cs.sequence())));
            return Optional.of(Plan.lost(c, records.refusedDecided(cs, p, ConflictType.CONSTRAINT, Outcome.KEPT_LOCAL,
                ConflictStatus.AUTO_RESOLVED, "row " + newer.get().table().name() + " " + newer.get().key()
                    + " refers to it and was written after this delete (" + newer.get().stamp() + "): the delete lost, the row stays")));
        }
        List<RowWriter.Write> deletes = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (Child ch : children) {
            deletes.add(new RowWriter.DeleteRow(ch.table(), ch.key()));
            shadows.write(ctx, ch.table().shadow(), List.of(RowVersion.tombstone(ch.table().typedKey(ch.key()), c.timestamp().asLong(),
                cs.origin().value(), cs.sequence(), ChangeSetCodec.imageToJson(ch.row()))));
            gone.add(ch.table().name() + " " + ch.key());
        }
        if (!new RowWriter(connection, ctx).execute(deletes).isEmpty()
            || !new RowWriter(connection, ctx).execute(List.of(p.write().get())).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Plan.conflict(c, Optional.empty(), p.version(), records.refusedDecided(cs, p, ConflictType.CONSTRAINT,
            Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED, "the rows referring to it were all written before this delete"
                + " and went with it: " + String.join(", ", gone))));
    }

    /** A row referring to a parent, with the stamp of its latest write. */
    private record Child(BoundTable table, RowKey key, RowImage row, Stamp stamp) {
    }

    private List<Child> children(DSLContext ctx, BoundTable t, Reference r, List<Object> parentKey) {
        List<Condition> match = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
            match.add(t.field(r.columns().get(i)).eq(DSL.val(parentKey.get(i), t.field(r.columns().get(i)))));
        }
        List<RowImage> rows = RowReader.read(ctx, t, DSL.and(match), true, true);
        List<Child> out = new ArrayList<>();
        if (rows.isEmpty()) {
            return out;
        }
        List<List<Object>> keys = rows.stream().map(row -> t.typedKey(t.keyOf(row))).toList();
        Map<RowKey, RowVersion> versions = new java.util.HashMap<>();
        shadows.versions(ctx, t.shadow(), keys).values().forEach(v -> versions.put(t.keyOf(v.key()), v));
        for (int i = 0; i < rows.size(); i++) {
            RowVersion v = versions.get(t.keyOf(rows.get(i)));
            Stamp s = v == null ? new Stamp(HybridTimestamp.fromLong(0), Optional.empty(), 0) : stamp(v);
            out.add(new Child(t, t.keyOf(rows.get(i)), rows.get(i), s));
        }
        return out;
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    private static boolean exists(DSLContext ctx, BoundTable t, List<Object> key) {
        return ctx.fetchExists(ctx.selectOne().from(t.table()).where(KeyConditions.in(t.keyFields(), List.of(key))));
    }

    private static Stamp stamp(RowVersion v) {
        return Stamp.of(HybridTimestamp.fromLong(v.timestamp()), NodeId.of(v.origin()), v.originSequence().orElse(0L));
    }

    /** The version of a parent brought back: alive, with the stamp of the delete that lost, on every peer alike. */
    private static RowVersion aliveAt(RowVersion tomb) {
        return RowVersion.live(tomb.key(), tomb.timestamp(), tomb.origin(), tomb.originSequence().orElse(0L));
    }
}
