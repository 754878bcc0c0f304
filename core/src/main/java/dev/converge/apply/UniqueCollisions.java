package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.Outcome;
import dev.converge.conflict.Resolution;
import dev.converge.dialect.Savepoints;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Settles a row the target refused because another row holds one of its unique values (a unique constraint or unique
 * index other than the key, see {@link BoundTable#uniques()}): two peers wrote different rows with one unique value at
 * the same time, which is a conflict between those two writes. The table's resolver decides between them as between two
 * writes of one row (rules for {@code constraint} conflicts first; a merging resolver decides by the latest write, for
 * two different rows cannot be merged). The winner stays; the loser is removed — here a local row is deleted (its shadow
 * keeps it as a tombstone with its own version), or the incoming row is not written — and recorded as a
 * {@code constraint} conflict whose local image is the local row, so the workbench can restore it. Every peer meets the
 * same two writes and decides alike, so the mesh converges: the peer that held the loser removes it, the peer that held
 * the winner never writes the loser. Neither removal is replicated; each peer settles it on its own.
 *
 * <p>A refusal that is not a unique collision (a foreign key, a check), or a collision the resolver parks, leaves the
 * row refused as before (a parked {@code constraint} conflict). Everything is done under a savepoint: a row that still
 * cannot be written after its collisions are settled undoes them.
 *
 * <p>Stateless apart from its collaborators; used inside the apply transaction only.
 */
final class UniqueCollisions {
    /** A row colliding on more unique column sets than this is left refused. */
    private static final int MAX_ROUNDS = 8;

    private final Tables tables;
    private final LocalRows localRows;
    private final Planner planner;
    private final ConflictRecords records;
    private final ConflictStore conflicts;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    UniqueCollisions(Tables tables, LocalRows localRows, Planner planner, ConflictRecords records, ConflictStore conflicts) {
        this.tables = tables;
        this.localRows = localRows;
        this.planner = planner;
        this.records = records;
        this.conflicts = conflicts;
    }

    /** A local row holding one of an incoming row's unique values. */
    private record Collider(RowKey key, RowImage row, List<String> columns) {
    }

    /**
     * Settles the refused plan {@code p} of {@code cs} if its refusal is a unique collision: the plan to carry out
     * instead (the row written, or lost, with its record), or empty if it is not one this class settles.
     */
    Optional<Plan> settle(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, HybridTimestamp initial) throws SQLException {
        Change c = p.change();
        BoundTable t = tables.get(c.table());
        if (t.uniques().isEmpty() || c.after().isEmpty() || p.write().isEmpty() || p.write().get() instanceof RowWriter.DeleteRow) {
            return Optional.empty();
        }
        RowImage row = c.after().get();
        Savepoint start = Savepoints.set(connection);
        List<ConflictRecord> removed = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<Collider> x = collider(ctx, t, c.key(), row);
            if (x.isEmpty() || touches(cs, t, x.get().key())) {
                break; // refused for another reason, or the ChangeSet's own order: left as it was
            }
            Change localWrite = new Change.Delete(t.name(), x.get().key(), x.get().row(), c.timestamp());
            LocalRow local = localRows.load(ctx, cs.withChanges(List.of(localWrite)), initial).get(LocalRows.TableKey.of(localWrite));
            if (local == null || local.row().isEmpty()) {
                break;
            }
            Conflict subject = planner.collision(cs, c, local);
            Resolution r = planner.decideCollision(subject, ctx);
            String columns = String.join(", ", x.get().columns());
            if (!(r instanceof Resolution.ApplyRemote)) {
                Savepoints.undo(connection, start);
                if (r instanceof Resolution.KeepLocal) {
                    if (p.version().isPresent() && !p.version().get().lineage().isEmpty()) {
                        LosingRow.remove(connection, ctx, t, c, p.version().get()); // as the winner's side removes it, lineage kept
                    } else {
                        LosingRow.remove(connection, ctx, t, c, c.timestamp().asLong(), cs.origin().value(), cs.sequence());
                    }
                }
                return Optional.of(lost(cs, subject, r, x.get().key(), columns, c));
            }
            new RowWriter(connection, ctx).execute(List.of(new RowWriter.DeleteRow(t, x.get().key())));
            local.version().ifPresent(v -> shadows.write(ctx, t.shadow(), List.of(tombstone(v, x.get().row()))));
            removed.add(records.collided(cs, subject, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED,
                "two rows with one value of unique (" + columns + "): this row won; the local row with key " + x.get().key()
                    + " lost and was removed here (its image is the local image)"));
            if (new RowWriter(connection, ctx).execute(List.of(p.write().get())).isEmpty()) {
                Savepoints.keep(connection, start);
                ConflictRecord last = removed.remove(removed.size() - 1);
                conflicts.record(ctx, removed);
                // written here; the plan keeps its write, as a settled one does, so that what follows a write sees it
                // (a new insert of a deleted key brings back what lost to the delete: ForeignKeyConflicts.restoreRevived)
                return Optional.of(Plan.conflict(c, p.write(), p.version(), last));
            }
        }
        Savepoints.undo(connection, start);
        return Optional.empty();
    }

    private Plan lost(ChangeSet cs, Conflict subject, Resolution r, RowKey winner, String columns, Change c) {
        String detail = "two rows with one value of unique (" + columns + "): the local row with key " + winner
            + " stays; this row lost and is not here (removed if it was)";
        if (r instanceof Resolution.Ignore) {
            return Plan.ignored(c);
        }
        if (r instanceof Resolution.KeepLocal) {
            return Plan.lost(c, records.collided(cs, subject, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED, detail));
        }
        return Plan.lost(c, records.collided(cs, subject, Outcome.PARKED, ConflictStatus.NEEDS_REVIEW, detail));
    }

    /** Whether {@code cs} itself writes the row of {@code key}: then the collision is its own order, not two peers' writes. */
    private static boolean touches(ChangeSet cs, BoundTable t, RowKey key) {
        return cs.changes().stream().anyMatch(c -> c.table().equalsIgnoreCase(t.name()) && c.key().equals(key));
    }

    /** The removed row's version, now a tombstone keeping its image: the row's history stays as it was. */
    private static RowVersion tombstone(RowVersion v, RowImage row) {
        return v.asTombstone(ChangeSetCodec.imageToJson(row));
    }

    /**
     * A row other than {@code key} that holds {@code row}'s values in one of the table's unique column sets (NULLs never
     * collide), read as capture reads rows.
     */
    private static Optional<Collider> collider(DSLContext ctx, BoundTable t, RowKey key, RowImage row) {
        List<Object> own = t.typedKey(key);
        for (List<String> unique : t.uniques()) {
            List<Condition> conditions = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            for (String column : unique) {
                if (row.get(column) == null) {
                    conditions = null;
                    break;
                }
                conditions.add(t.field(column).eq(t.placeholder(t.field(column))));
                values.add(t.typedValue(row, column));
            }
            if (conditions == null) {
                continue;
            }
            Select<Record> q = ctx.select(t.keyFields()).from(t.table()).where(conditions).limit(DSL.inline(2));
            for (int i = 0; i < values.size(); i++) {
                q.bind(i + 1, values.get(i));
            }
            for (Record r : q.fetch()) {
                List<Object> other = new ArrayList<>();
                t.keyFields().forEach(f -> other.add(r.get(f)));
                if (!sameKey(own, other)) {
                    List<RowImage> image = RowReader.read(ctx, t, KeyConditions.in(t.keyFields(), List.of(other)), true, false);
                    if (!image.isEmpty()) {
                        return Optional.of(new Collider(t.keyOf(image.get(0)), image.get(0), unique));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean sameKey(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x instanceof java.math.BigDecimal dx && y instanceof java.math.BigDecimal dy ? dx.compareTo(dy) != 0 : !Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }
}
