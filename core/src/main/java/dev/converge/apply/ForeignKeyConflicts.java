package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.Reference;
import dev.converge.catalog.RowReader;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictStore;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.Stamp;
import dev.converge.dialect.Savepoints;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.KeyConditions;
import dev.converge.shadow.Lineage;
import dev.converge.shadow.RowVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Settles a foreign-key conflict between two peers' concurrent writes — the seed's example: A deletes supplier 12 at
 * 12:05 while B inserts product 1023 of supplier 12 at 12:07. Plain peer-to-peer ends with A holding neither row and B
 * both. Here the conflict is about the <em>parent</em> row — deleted by one write, kept alive by the other, which
 * refers to it — and the parent table's resolver decides it (its rule for {@code constraint} conflicts first), as a
 * {@link Conflict} between the delete and a write of the parent's image stamped with the referring row's write:
 * <ul>
 *   <li><b>A child whose parent is gone</b> (an insert or update refused because the row it refers to was deleted here
 *       by a write the child's origin had not seen): the remote side keeps the parent (an insert of its deleted image,
 *       the child's stamp), the local side is the delete (the shadow). If the parent's side wins (or the resolver
 *       merges: the parent is what both sides keep) the parent is <em>resurrected from its shadow</em> and the child
 *       written — and so are the children that lost to that delete here earlier, with their own versions: the delete
 *       has lost, and a peer that met the writes in another order kept them ({@code restoreLost}); if the delete wins
 *       the child loses and is not here (an older image of it goes too) — or, under an
 *       {@code ON DELETE SET NULL} key, is written with its reference set to NULL, as the delete did to the rows
 *       referring to it.</li>
 *   <li><b>A parent delete meeting children written concurrently</b> (refused under a {@code RESTRICT} or {@code NO
 *       ACTION} key, or — before it is written — under a key that cascades or sets NULL, where the database would act
 *       on them unjudged): the remote side is the delete, the local side the parent as it is, stamped with a
 *       concurrent child's write, newest first. If any such child beats it the delete loses ({@code kept-local}), as it
 *       does where that child arrives after it; if it beats them all, the children go with it (deleted, or their
 *       reference set to NULL under a SET NULL key), each concurrent one with its own record holding its write, so that
 *       it can come back as it was if the delete loses later to another child ({@code restoreLost}).</li>
 *   <li><b>Chains of cascades</b> (parent → child → grandchild, both {@code ON DELETE CASCADE}): a delete is judged
 *       against every row its cascade would reach, at any depth ({@link CascadeReach}), the deletes of one ChangeSet
 *       lowest first, so a row whose own delete lost stops the delete above it too; where the deletes were written,
 *       a row arriving for a parent that is gone brings back the rows above it as well, each judged by its own
 *       table's rule, top first ({@code above}).</li>
 * </ul>
 * Each peer meets the same two writes, one as local and one as remote, so a resolver that decides the same pair alike
 * from either side ({@code timestamp}, {@code delete-wins}) keeps the mesh convergent: the parent ends alive or deleted
 * everywhere with the same version (a resurrected or kept parent carries the losing delete's stamp as a live version;
 * a child removed with its parent a tombstone with the delete's stamp; a child whose reference was set to NULL keeps
 * its own version). {@code ignore} drops the incoming write unrecorded, {@code manual} parks it; a resolver that fails
 * parks it with the reason. Recorded as {@code constraint} conflicts of the incoming row, under the parent table's
 * rule, with what was done. Only keys that refer to a replicated table's primary key with {@code RESTRICT}, {@code NO
 * ACTION}, {@code CASCADE} or {@code SET NULL} are judged (for a transaction in parts, its rows still refused after
 * the last part, and its deletes part by part); a parent without a tombstone (deleted before replication, or
 * purged), a delete in the child's causal past, an {@code ON DELETE SET DEFAULT} key, or a row still refused after
 * this stays a parked {@code constraint} conflict. Undone as a whole (savepoint) when the row still cannot be written.
 *
 * <p>Stateless apart from its collaborators; used inside the apply transaction only.
 */
final class ForeignKeyConflicts {
    private final Tables tables;
    private final LocalRows localRows;
    private final Planner planner;
    private final ConflictRecords records;
    private final ConflictStore conflicts;
    private final JdbcShadowStore shadows = new JdbcShadowStore();
    /** How a record says a row's reference was set to NULL by a delete that won, after the delete's stamp. */
    private static final String NULLED = ") that won: its reference set to NULL (ON DELETE SET NULL)";
    /** Per parent table (lower case), whether a key that cascades or sets on delete refers to it. */
    private final Set<String> actedOn = new HashSet<>();
    /** Per parent table (lower case), whether a key this does not judge refers to it: its deletes are left as they are. */
    private final Set<String> unjudgedUnder = new HashSet<>();
    /** Parent tables (lower case) a key this judges refers to: a row of theirs brought back may bring rows back with it. */
    private final Set<String> referredTo = new HashSet<>();

    ForeignKeyConflicts(Tables tables, LocalRows localRows, Planner planner, ConflictRecords records, ConflictStore conflicts) {
        this.tables = tables;
        this.conflicts = conflicts;
        this.localRows = localRows;
        this.planner = planner;
        this.records = records;
        for (BoundTable t : tables.all()) {
            t.references().stream().filter(r -> !r.restricts()).forEach(r -> actedOn.add(r.parentTable().toLowerCase(Locale.ROOT)));
            for (Reference r : t.references()) {
                Optional<BoundTable> parent = tables.find(r.parentTable());
                if (parent.isPresent() && (!judged(r) || !toPrimaryKey(parent.get(), r))) {
                    unjudgedUnder.add(r.parentTable().toLowerCase(Locale.ROOT));
                } else if (parent.isPresent()) {
                    referredTo.add(r.parentTable().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    /** The refused plan {@code p} of {@code cs} settled, or empty if its refusal is not a conflict this class judges. */
    Optional<Plan> settle(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, HybridTimestamp initial) throws SQLException {
        if (p.write().isEmpty()) {
            return Optional.empty();
        }
        Savepoint start = Savepoints.set(connection);
        Optional<Plan> settled = p.change() instanceof Change.Delete
            ? parentDelete(connection, ctx, cs, p, initial)
            : orphan(connection, ctx, cs, p, initial);
        if (settled.isEmpty()) {
            Savepoints.undo(connection, start);
        } else {
            Savepoints.keep(connection, start);
        }
        return settled;
    }

    /**
     * What {@link #beforeDeletes} made of a ChangeSet's plans: the plans, and the deletes whose judgment removed rows
     * here or set their reference to NULL ({@code acted}, by identity of the change). Should the target then refuse
     * one of those deletes (a table Converge does not replicate restricts it), the caller undoes the whole write and
     * plans again with that delete parked: nothing of it half-applied.
     */
    record Judged(List<Plan> plans, Set<Change> acted) {
    }

    /**
     * {@code plans} with every parent delete that a cascading or nulling key would carry to rows written concurrently
     * here — at any depth of a chain of {@code ON DELETE CASCADE} keys — judged first (see the class comment and {@link
     * CascadeReach}); the same list if there is none. {@code refusedHere} holds the deletes the target refused in an
     * earlier attempt after a judgment took rows for them, with the reason: they are parked, not judged, and take
     * nothing. Called before the ChangeSet's rows are written; what it writes (the rows of a delete that won) is
     * undone with them. Costs one locking read per referring table and level for all the ChangeSet's deletes together,
     * and a savepoint only for a delete that meets a concurrent write.
     */
    Judged beforeDeletes(Connection connection, DSLContext ctx, ChangeSet cs, List<Plan> plans, HybridTimestamp initial,
                         Map<Change, String> refusedHere) throws SQLException {
        Set<Change> acted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Plan> out = new ArrayList<>(plans);
        boolean changed = false;
        for (int i = 0; i < out.size(); i++) {
            String why = refusedHere.get(out.get(i).change());
            if (why != null) {
                out.set(i, Plan.lost(out.get(i).change(), records.refused(cs, out.get(i), ConflictType.CONSTRAINT, why)));
                changed = true;
            }
        }
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).write().orElse(null) instanceof RowWriter.DeleteRow d && actedOn.contains(d.table().name().toLowerCase(Locale.ROOT))
                && judgedUnder(d.table())) {
                roots.add(i);
            }
        }
        if (roots.isEmpty()) {
            return new Judged(changed ? out : plans, acted);
        }
        CascadeReach reach = CascadeReach.load(ctx, tables, localRows, out, roots, initial);
        if (!reach.meetsUnwritten()) {
            return new Judged(changed ? out : plans, acted); // every row the deletes reach is the ChangeSet's own: the database acts
        }
        Map<String, Long> deps = LocalRows.dependencies(cs);
        for (int i : reach.order()) {
            Plan p = out.get(i);
            if (p.write().isEmpty()) {
                continue;
            }
            List<CascadeReach.Subject> subjects = reach.subjects(i, out);
            List<CascadeReach.Subject> concurrent = subjects.stream().filter(s -> s.concurrent(cs, deps))
                .sorted(Comparator.comparing(CascadeReach.Subject::stamp).reversed()).toList();
            if (concurrent.isEmpty()) {
                continue; // nothing concurrent: the database's own action is what the origin's was
            }
            Savepoint start = Savepoints.set(connection);
            Optional<Plan> judged = judgeReach(connection, ctx, cs, p, subjects, concurrent, deps);
            if (judged.isEmpty()) {
                Savepoints.undo(connection, start);
            } else {
                Savepoints.keep(connection, start);
            }
            if (judged.isPresent()) {
                out.set(i, judged.get());
                changed = true;
                if (judged.get().write().isPresent()) {
                    acted.add(p.change());
                    subjects.forEach(s -> s.node().removed = true);
                }
            }
        }
        return new Judged(changed ? out : plans, acted);
    }

    /**
     * The reason to park a parent delete that won over rows written concurrently here but that the target then refused
     * ({@code refusal}, the database's words): the tables Converge does not replicate that hold rows referring to the
     * deleted row under a restricting key, by name, when the catalog shows them.
     */
    String refusedAfterJudging(DSLContext ctx, Plan p, String refusal) {
        BoundTable pt = tables.get(p.change().table());
        List<Object> key = pt.typedKey(p.change().key());
        List<String> restricting = new ArrayList<>();
        Map<String, List<Reference>> others = dev.converge.catalog.TableCatalog.referencesFromOtherTables(ctx,
            tables.all().stream().map(BoundTable::name).toList());
        others.forEach((table, refs) -> {
            for (Reference r : refs) {
                if (r.parentTable().equalsIgnoreCase(pt.name()) && r.restricts() && toPrimaryKey(pt, r)) {
                    List<Condition> match = new ArrayList<>();
                    for (int i = 0; i < r.columns().size(); i++) {
                        match.add(DSL.field(DSL.name(table, r.columns().get(i))).eq(DSL.val(key.get(i))));
                    }
                    if (ctx.fetchExists(ctx.selectOne().from(DSL.table(DSL.name(table))).where(DSL.and(match)))) {
                        restricting.add("table " + table + " (key " + r.name() + ", ON DELETE " + r.deleteRule() + ")");
                    }
                }
            }
        });
        String by = restricting.isEmpty() ? "the target refused it: " + refusal
            : String.join(", ", restricting) + ", which Converge does not replicate, refers to it and refuses the delete";
        return "rows referring to it were written concurrently and the delete won over them, but " + by
            + "; nothing of the delete is applied: the rows it would have taken stay as they were";
    }

    /** Whether every key referring to {@code t} is one this judges (else a delete's effect is left as it is). */
    private boolean judgedUnder(BoundTable t) {
        return !unjudgedUnder.contains(t.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The delete plan {@code p} judged against the rows its cascade would reach ({@code subjects}), {@code concurrent}
     * being those of them written concurrently, newest first ({@link #judge}): if the delete wins they go (deleted with
     * a tombstone carrying its stamp, or their reference set to NULL) and the delete is written with the ChangeSet's
     * other rows; otherwise it loses and its row stays. Empty if what it must write is refused (the caller rolls back).
     */
    private Optional<Plan> judgeReach(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, List<CascadeReach.Subject> subjects,
                                      List<CascadeReach.Subject> concurrent, Map<String, Long> deps) throws SQLException {
        Change c = p.change();
        BoundTable pt = tables.get(c.table());
        List<Object> parentKey = pt.typedKey(c.key());
        List<RowImage> parentRow = RowReader.read(ctx, pt, KeyConditions.in(pt.keyFields(), List.of(parentKey)), true, false);
        if (parentRow.isEmpty()) {
            return Optional.empty();
        }
        Judgment j = judge(ctx, cs, pt, c, parentRow.get(0), concurrent.stream().map(CascadeReach.Subject::stamp).toList());
        CascadeReach.Subject by = concurrent.get(j.against());
        Planner.Verdict v = j.verdict();
        String against = "row " + by.describe() + (by.depth() > 1 ? ", which its cascade reaches," : "")
            + " refers to it and was written concurrently (" + by.stamp() + ")";
        List<Child> children = subjects.stream().map(s -> new Child(s.table(), s.reference(), s.key(), s.row(),
            s.concurrent(cs, deps) ? s.version() : Optional.empty(), s.depth(), s.above())).toList();
        return verdictOnDelete(connection, ctx, cs, p, parentKey, v, against,
            resolver -> removeChildren(connection, ctx, cs, p, children, false, resolver));
    }

    /** The verdict on a parent's delete, and which of the concurrent writes it was judged against decided it (an index). */
    private record Judgment(int against, Planner.Verdict verdict) {
    }

    /**
     * The verdict of {@code pt}'s rule on the delete {@code c} of its row ({@code parentRow}) against the concurrent
     * writes of the rows referring to it ({@code stamps}, newest first): the delete loses if any of them beats it, for
     * a peer that meets that write after the delete brings the row back for it. Under {@code timestamp} the newest
     * decides for all, but under a rule like {@code site-priority} an older child may beat the delete when the newest
     * does not. So the first verdict that does not let the delete win decides (a failure or a person's turn too, as
     * the newest's did); if every one lets it win, the newest's. Asks once per distinct write.
     */
    private Judgment judge(DSLContext ctx, ChangeSet cs, BoundTable pt, Change c, RowImage parentRow, List<Stamp> stamps) {
        Judgment first = null;
        Set<Stamp> asked = new HashSet<>();
        for (int i = 0; i < stamps.size(); i++) {
            if (!asked.add(stamps.get(i))) {
                continue; // another row of the same write: the same verdict
            }
            Conflict subject = planner.parentConflict(cs, pt.name(), c, Optional.of(parentRow), Optional.empty(), stamps.get(i));
            Judgment j = new Judgment(i, planner.decideConstraint(subject, ctx));
            if (j.verdict().failure().isPresent() || !(j.verdict().resolution() instanceof Resolution.ApplyRemote)) {
                return j;
            }
            first = first == null ? j : first;
        }
        return first;
    }

    /** Removes what a delete that won takes with it, as its resolver ({@code resolver}) decided. */
    @FunctionalInterface
    private interface Removal {
        Optional<Plan> remove(Optional<String> resolver) throws SQLException;
    }

    /**
     * Carries out the verdict {@code v} on the parent delete {@code p} against a concurrent write referring to the row
     * ({@code against} says which): a failing resolver or a person's turn parks it; if the delete wins, {@code removal}
     * takes what it reaches; if it loses (or a merge keeps the row), the row stays, with the losing delete's stamp and
     * the image it removed on every peer, as a resurrected one gets them. Empty if the row cannot be written back.
     */
    private Optional<Plan> verdictOnDelete(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, List<Object> parentKey,
                                           Planner.Verdict v, String against, Removal removal) throws SQLException {
        Change c = p.change();
        if (v.failure().isPresent()) {
            return Optional.of(Plan.lost(c, records.refused(cs, p, ConflictType.CONSTRAINT, against + "; " + v.failure().get())
                .withResolver(v.resolver())));
        }
        Resolution answer = v.resolution();
        if (answer instanceof Resolution.ApplyRemote) {
            return removal.remove(Optional.of(v.resolver()));
        }
        if (answer instanceof Resolution.Ignore) {
            return Optional.of(Plan.ignored(c));
        }
        if (answer instanceof Resolution.KeepLocal || answer instanceof Resolution.Merge) {
            // the row stays as the delete removed it where it came first, and a child then brought it back from the
            // tombstone: an update the delete beat here (concurrent, and judged before this) stays lost on every peer
            BoundTable t = tables.get(c.table());
            RowImage removed = c.before().orElseThrow();
            if (!new RowWriter(connection, ctx).execute(List.of(new RowWriter.UpdateRow(t, t.keyOf(removed), removed))).isEmpty()) {
                return Optional.empty();
            }
            RowVersion kept = RowVersion.live(parentKey, c.timestamp().asLong(), cs.origin().value(), cs.sequence());
            // the delete's version, as the peer that brings the row back from its tombstone holds it (lineage too)
            Optional<ToLongFunction<String>> horizon = planner.lineageHorizon(ctx, t);
            if (horizon.isPresent()) {
                kept = Lineages.after(Optional.of(kept), held(ctx, t, parentKey), cs, c, horizon.get()).orElseThrow();
            }
            shadows.write(ctx, t.shadow(), List.of(kept));
            return Optional.of(Plan.lost(c, records.refusedDecided(cs, p, ConflictType.CONSTRAINT, Outcome.KEPT_LOCAL,
                ConflictStatus.AUTO_RESOLVED, against + ": the delete lost, the row stays").withResolver(v.resolver())));
        }
        return Optional.of(Plan.lost(c, records.refused(cs, p, ConflictType.CONSTRAINT, against + "; resolver " + v.resolver()
            + " left it to a person").withResolver(v.resolver())));
    }

    // ---- a parent brought back by a write of its own -----------------------------------------------------------------

    /**
     * After the incoming {@code plans} are written, and before their versions are: where one brought back a row a
     * delete had removed here — it beat the tombstone, so the delete lost — the rows that had lost to that delete (a
     * child of the row written concurrently with it, refused or taken with it) come back too, as they do when a child
     * resurrects the row ({@link #restoreLost}); a peer where the delete lost before they arrived kept them. A new
     * insert of the key brings back those whose writes it had not seen (its own peer writes them when they arrive).
     * Rows the ChangeSet writes itself are left to it. Should a row not go back in (a key taken since), it stays lost and
     * its record is parked for a person; the rows after it come back all the same.
     */
    void restoreRevived(Connection connection, DSLContext ctx, ChangeSet cs, List<Plan> plans) throws SQLException {
        Map<BoundTable, List<Plan>> revived = new LinkedHashMap<>();
        for (Plan p : plans) {
            boolean revives = p.record().isPresent() || p.change() instanceof Change.Insert;
            if (revives && !p.lost() && p.write().orElse(null) instanceof RowWriter.InsertRow
                && referredTo.contains(p.change().table().toLowerCase(Locale.ROOT))) {
                revived.computeIfAbsent(tables.get(p.change().table()), t -> new ArrayList<>()).add(p);
            }
        }
        // a row the ChangeSet writes itself is its write's to decide, not a restore's
        Set<String> written = new HashSet<>();
        plans.forEach(p -> written.add(rowId(tables.get(p.change().table()), p.change().key())));
        for (Map.Entry<BoundTable, List<Plan>> e : revived.entrySet()) {
            BoundTable t = e.getKey();
            Map<List<Object>, RowVersion> held = shadows.versions(ctx, t.shadow(),
                e.getValue().stream().map(p -> t.typedKey(p.change().key())).toList());
            for (Plan p : e.getValue()) {
                RowVersion tomb = held.get(t.typedKey(p.change().key()));
                if (tomb != null && tomb.deleted()) {
                    // the write had not seen the delete, which lost (a conflict); else a new insert of the key after
                    // it, recorded or not (it may have won a collision on a unique value)
                    boolean after = tomb.seenBy(cs.origin().value(), LocalRows.dependencies(cs));
                    restoreLost(connection, ctx, new Deleted(t, p.change().key(), tomb, after ? Lineages.history(cs) : Map.of(),
                        Lineages.history(cs), written), p.change());
                }
            }
        }
    }

    // ---- a child whose parent is gone ------------------------------------------------------------------------------

    /** A parent a child refers to through a key, deleted here, with its tombstone's version and image. */
    private record Gone(BoundTable table, Reference reference, RowKey key, RowVersion tomb, RowImage image) {
        Stamp deleteStamp() {
            return stamp(tomb);
        }

        Deleted deleted(ChangeSet cs) {
            return new Deleted(table, key, tomb, Map.of(), Lineages.history(cs), Set.of());
        }

        String describe() {
            return table.name() + " " + key;
        }
    }

    /**
     * A row of {@code table} a delete removed here, with its tombstone: what the rows that lost to that delete refer to.
     * {@code broughtBackBy}: the history of the write that brought the row back, if that write saw the delete (a new
     * insert of the key) — a row whose write it holds lost at that write's origin too, before it, and stays lost; empty
     * when the delete itself lost, and everything that lost to it comes back. {@code reviver}: that write's history in
     * either case, to tell which other deletes of the key it had not seen.
     */
    private record Deleted(BoundTable table, RowKey key, RowVersion tomb, Map<String, Long> broughtBackBy, Map<String, Long> reviver,
                           Set<String> written) {
        /** Whether the row written by {@code (origin, sequence)}, which lost to the delete, comes back with the row. */
        boolean restores(String origin, long sequence) {
            return !Lineage.holds(broughtBackBy, origin, sequence);
        }

        /**
         * Whether the rows that lost to another delete of the key, {@code (origin, sequence)}, come back too: a new
         * insert of the key decides by the rows' writes alone ({@link #restores}); a write that beat the tombstone's
         * delete, if it had not seen that one either — it was concurrent with both, and the tombstone holds the delete
         * that won between them, so where the write came first neither took the rows.
         */
        boolean reaches(String origin, long sequence) {
            return !broughtBackBy.isEmpty() || !Lineage.holds(reviver, origin, sequence);
        }

        Stamp deleteStamp() {
            return stamp(tomb);
        }
    }

    private Optional<Plan> orphan(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, HybridTimestamp initial) throws SQLException {
        Change c = p.change();
        BoundTable t = tables.get(c.table());
        List<Gone> resurrect = new ArrayList<>();
        List<Gone> nulled = new ArrayList<>();
        String resolver = null;
        for (Reference r : t.references()) {
            Optional<Gone> gone = gone(ctx, cs, r, c.after().orElseThrow(), initial);
            if (gone.isEmpty()) {
                continue;
            }
            Gone g = gone.get();
            if (g.tomb() == null || !judged(r)) {
                return Optional.empty(); // no concurrent delete to judge against, or a key this does not judge: a person decides
            }
            Change kept = new Change.Insert(g.table().name(), g.key(), g.image(), c.timestamp());
            Conflict subject = planner.parentConflict(cs, g.table().name(), kept, Optional.empty(), Optional.of(g.image()), g.deleteStamp());
            Planner.Verdict v = planner.decideConstraint(subject, ctx);
            resolver = resolver == null ? v.resolver() : resolver;
            Resolution answer = v.resolution();
            if (v.failure().isEmpty() && (answer instanceof Resolution.ApplyRemote || answer instanceof Resolution.Merge)) {
                // a merged answer keeps what both sides have in common: the parent, as it was; and the rows it needs
                List<Gone> chain = new ArrayList<>();
                Optional<Above> refused = above(ctx, cs, c, g, initial, chain, new HashSet<>(List.of(g.describe())));
                if (refused.isPresent()) {
                    return refused.get().park() ? Optional.empty()
                        : Optional.of(childLost(connection, ctx, cs, p, refused.get().lostTo(), refused.get().verdict()));
                }
                chain.stream().filter(up -> resurrect.stream().noneMatch(x -> x.describe().equals(up.describe()))).forEach(resurrect::add);
                resurrect.add(g);
            } else if (v.failure().isEmpty() && answer instanceof Resolution.KeepLocal && setsNull(r)) {
                nulled.add(g);
            } else {
                return Optional.of(childLost(connection, ctx, cs, p, g, v));
            }
        }
        if (resurrect.isEmpty() && nulled.isEmpty()) {
            return Optional.empty();
        }
        List<String> restored = new ArrayList<>();
        for (Gone g : resurrect) {
            if (!new RowWriter(connection, ctx).execute(List.of(new RowWriter.InsertRow(g.table(), g.image()))).isEmpty()) {
                return Optional.empty();
            }
            shadows.write(ctx, g.table().shadow(), List.of(aliveAt(g.tomb())));
            restored.addAll(restoreLost(connection, ctx, g.deleted(cs), c));
        }
        RowWriter.Write write = nulled.isEmpty() ? p.write().get() : withNulls(p.write().get(), nulled);
        if (!new RowWriter(connection, ctx).execute(List.of(write)).isEmpty()) {
            return Optional.empty();
        }
        List<String> done = new ArrayList<>();
        if (resurrect.size() == 1) {
            done.add("its parent " + resurrect.get(0).describe() + " was deleted by a concurrent write that lost: resurrected from its shadow");
        } else if (!resurrect.isEmpty()) {
            done.add("the rows it depends on, " + String.join(", ", resurrect.stream().map(Gone::describe).toList())
                + ", were deleted by concurrent writes that lost: resurrected from their shadows, in that order");
        }
        if (!restored.isEmpty()) {
            done.add("the rows that had lost to that delete restored: " + String.join(", ", restored));
        }
        if (!nulled.isEmpty()) {
            done.add(String.join("; ", nulled.stream().map(g -> "its parent " + g.describe() + " was deleted by a concurrent write ("
                + g.deleteStamp() + NULLED).toList()));
        }
        Outcome outcome = nulled.isEmpty() ? Outcome.APPLIED_REMOTE : Outcome.KEPT_LOCAL;
        ConflictRecord record = records.refusedDecided(cs, p, ConflictType.CONSTRAINT, outcome, ConflictStatus.AUTO_RESOLVED,
            String.join("; ", done) + "; this row written").withResolver(resolver);
        return Optional.of(Plan.conflict(c, Optional.of(write), p.version(), record));
    }

    /** Why the rows above a parent to resurrect cannot all come back: a delete that won ({@code lostTo}), or nothing to judge ({@code park}). */
    private record Above(Gone lostTo, Planner.Verdict verdict, boolean park) {
    }

    /**
     * Adds to {@code chain}, top first, the rows above the parent {@code g} (the rows it refers to, and theirs) that are
     * gone too, each judged as {@code g} was — its table's rule, its delete against a write of its image stamped with
     * the incoming change — so that a parent deleted by a cascade two levels deep comes back with the rows it needs, as
     * the peer where that delete met the incoming write keeps them ({@link #beforeDeletes}). Empty if all can come back;
     * else the delete that won, or a park: a row above gone without a concurrent delete, or under a key this does not
     * judge or that sets NULL. {@code visiting} breaks cycles of keys.
     */
    private Optional<Above> above(DSLContext ctx, ChangeSet cs, Change c, Gone g, HybridTimestamp initial, List<Gone> chain,
                                  Set<String> visiting) {
        for (Reference r : g.table().references()) {
            Optional<Gone> gone = gone(ctx, cs, r, g.image(), initial);
            if (gone.isEmpty() || !visiting.add(gone.get().describe())) {
                continue;
            }
            Gone up = gone.get();
            if (up.tomb() == null || !judged(r) || setsNull(r)) {
                return Optional.of(new Above(null, null, true));
            }
            Change kept = new Change.Insert(up.table().name(), up.key(), up.image(), c.timestamp());
            Conflict subject = planner.parentConflict(cs, up.table().name(), kept, Optional.empty(), Optional.of(up.image()), up.deleteStamp());
            Planner.Verdict v = planner.decideConstraint(subject, ctx);
            if (v.failure().isPresent() || !(v.resolution() instanceof Resolution.ApplyRemote || v.resolution() instanceof Resolution.Merge)) {
                return Optional.of(new Above(up, v, false));
            }
            Optional<Above> higher = above(ctx, cs, c, up, initial, chain, visiting);
            if (higher.isPresent()) {
                return higher;
            }
            chain.add(up);
        }
        return Optional.empty();
    }

    /**
     * Brings back the rows referring to the resurrected parent {@code g} that lost to its delete here (see {@link
     * #childLost}): the delete has now lost, so their only fault is gone, and a peer that met the writes in another
     * order holds them. Found exactly and only on this path: their tombstones carry the delete's stamp (an indexed
     * lookup), and their {@code constraint} record, which says they lost to it, holds their own write — each comes back
     * with its latest lost image and its original version, as the peers that kept it hold it. A later write of the row
     * that met that tombstone and lost to it (an update of the child, concurrent with the delete too: a conflict of the
     * row, not a {@code constraint} one) lost to the delete as well, so the latest such record is the one that comes
     * back ({@link #lostToTomb}). A tombstone with the delete's stamp but no such record is a row the delete itself
     * removed: it stays. A row the target refuses (a key or unique value taken since) stays out — its tombstone its own
     * write, as where it lost a collision — and its record is parked for a person ({@code needs-review}, with the
     * reason); the others still come back. Returns the rows back.
     *
     * <p>The tombstone names one delete, the one that won here among concurrent deletes of the key; the rows that lost
     * here to another of them (before it came) lost to a delete that has lost too, and a peer that met the bringing
     * write first holds them: so do the same for every delete of the key this node recorded meeting another ({@link
     * #deletesOf}) that the bringing write reaches ({@link Deleted#reaches}).
     */
    private List<String> restoreLost(Connection connection, DSLContext ctx, Deleted g, Change incoming) throws SQLException {
        List<String> out = new ArrayList<>();
        for (RowVersion delete : deletesOf(ctx, g)) {
            out.addAll(restoreLostTo(connection, ctx, new Deleted(g.table(), g.key(), delete, g.broughtBackBy(), g.reviver(), g.written()),
                incoming));
        }
        return out;
    }

    /**
     * The deletes of {@code g}'s row whose losers a write bringing it back restores: its tombstone's, and each other
     * delete of the key that met this one here ({@code delete-missing-row} records of the row, both sides deletes) or
     * that the tombstone's lineage lists, if {@code g}'s bringing write reaches it; as tombstones naming them, the
     * tombstone's first. Costs one look at the row's records.
     */
    private List<RowVersion> deletesOf(DSLContext ctx, Deleted g) {
        RowVersion tomb = g.tomb();
        List<Object> key = g.table().typedKey(g.key());
        Map<Stamp, RowVersion> out = new LinkedHashMap<>();
        out.put(stamp(tomb), tomb);
        List<RowVersion> others = new ArrayList<>();
        for (ConflictRecord rec : conflicts.recordsOf(ctx, g.table().name(), g.key())) {
            if (rec.type() != ConflictType.DELETE_MISSING_ROW) {
                continue;
            }
            others.add(RowVersion.tombstone(key, rec.remoteTimestamp().asLong(), rec.remoteOrigin().value(), rec.changeSet().sequence(), "{}"));
            if (rec.localTimestamp().isPresent() && rec.localOrigin().isPresent() && rec.localSequence().isPresent()) {
                others.add(RowVersion.tombstone(key, rec.localTimestamp().get().asLong(), rec.localOrigin().get().value(),
                    rec.localSequence().get(), "{}"));
            }
        }
        tomb.lineage().writes().stream().filter(Lineage.Entry::deleted)
            .forEach(e -> others.add(RowVersion.tombstone(key, e.timestamp(), e.origin(), e.sequence(), "{}")));
        for (RowVersion d : others) {
            if (g.reaches(d.origin(), d.originSequence().orElse(0L))) {
                out.putIfAbsent(stamp(d), d);
            }
        }
        return List.copyOf(out.values());
    }

    /** {@link #restoreLost} for the one delete {@code g}'s tombstone names. */
    private List<String> restoreLostTo(Connection connection, DSLContext ctx, Deleted g, Change incoming) throws SQLException {
        RowVersion tomb = g.tomb();
        List<Object> parentKey = g.table().typedKey(g.key());
        String lostTo = "(" + g.deleteStamp() + ") that won";
        List<String> out = new ArrayList<>();
        for (BoundTable t : tables.all()) {
            for (Reference r : t.references()) {
                if (!r.parentTable().equalsIgnoreCase(g.table().name()) || !judged(r)) {
                    continue;
                }
                if (setsNull(r)) {
                    out.addAll(referBack(ctx, t, r, g, incoming));
                    continue;
                }
                for (RowVersion child : shadows.tombstonesOf(ctx, t.shadow(), tomb.origin(), tomb.originSequence().orElse(0L), tomb.timestamp())) {
                    RowImage image = ChangeSetCodec.imageFromJson(child.deletedImage().orElseThrow());
                    RowKey key = t.keyOf(image);
                    if (g.written().contains(rowId(t, key))) {
                        continue;
                    }
                    if (!keyOf(g.table(), r, image).map(parentKey::equals).orElse(false)
                        || t.name().equalsIgnoreCase(incoming.table()) && t.typedKey(key).equals(t.typedKey(incoming.key()))) {
                        continue;
                    }
                    // the latest record saying the row lost to the delete, or of a later write that lost to its tombstone
                    ConflictRecord last = null;
                    for (ConflictRecord rec : conflicts.recordsOf(ctx, t.name(), key)) {
                        if (rec.type() == ConflictType.CONSTRAINT && rec.detail().map(d -> d.contains(lostTo)).orElse(false)
                            || last != null && lostToTomb(rec, tomb)) {
                            last = rec;
                        }
                    }
                    if (last == null) {
                        continue;
                    }
                    // the row arrived and lost (its write is the record's remote side), or was here and went with the
                    // delete (the remote side is the delete; its write is the local side)
                    boolean arrived = !last.remoteOrigin().value().equals(tomb.origin()) || last.changeSet().sequence() != tomb.originSequence().orElse(0L);
                    if (arrived ? !g.restores(last.remoteOrigin().value(), last.changeSet().sequence())
                        : !g.restores(last.localOrigin().orElseThrow().value(), last.localSequence().orElse(0L))) {
                        continue;
                    }
                    RowImage row = (arrived ? last.remoteImage() : last.localImage()).orElse(image);
                    RowVersion version = arrived
                        ? RowVersion.live(child.key(), last.remoteTimestamp().asLong(), last.remoteOrigin().value(), last.changeSet().sequence())
                        : RowVersion.live(child.key(), last.localTimestamp().orElseThrow().asLong(), last.localOrigin().orElseThrow().value(),
                            last.localSequence().orElse(0L));
                    version = version.withLineage(Lineages.restored(child.lineage(), Lineages.deleteOf(tomb), version.origin(),
                        version.originSequence().orElse(0L)));
                    List<RowWriter.Rejection> refused = new RowWriter(connection, ctx).execute(List.of(new RowWriter.InsertRow(t, row)));
                    if (!refused.isEmpty()) {
                        // nothing of it written (the writer's savepoint): it stays out as a row that lost a collision
                        // does where the delete lost at once (its tombstone its own write, no longer the delete's),
                        // its record parked for a person, and the restore goes on with the other rows
                        shadows.write(ctx, t.shadow(), List.of(version.asTombstone(ChangeSetCodec.imageToJson(row))));
                        conflicts.amend(ctx, last.id(), Outcome.PARKED, ConflictStatus.NEEDS_REVIEW, "the delete lost later, to a write of "
                            + incoming.table() + " " + incoming.key() + ", but this row could not be written back: " + refused.get(0).reason());
                        continue;
                    }
                    shadows.write(ctx, t.shadow(), List.of(version));
                    conflicts.amend(ctx, last.id(), arrived ? Outcome.APPLIED_REMOTE : Outcome.KEPT_LOCAL,
                        "restored: the delete lost later, to a write of " + incoming.table() + " " + incoming.key());
                    out.add(t.name() + " " + key);
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code rec} is a write of its row that met the row's tombstone {@code tomb} — left by a parent's delete —
     * and lost to it ({@code kept-local}, the local side the tombstone's stamp): an update of a child that had lost to
     * that delete, or gone with it, which lost to the delete too.
     */
    private static boolean lostToTomb(ConflictRecord rec, RowVersion tomb) {
        return rec.outcome() == Outcome.KEPT_LOCAL && rec.remoteImage().isPresent()
            && rec.localTimestamp().map(ts -> ts.asLong() == tomb.timestamp()).orElse(false)
            && rec.localOrigin().map(o -> o.value().equals(tomb.origin())).orElse(false)
            && rec.localSequence().equals(tomb.originSequence());
    }

    /**
     * Under a SET NULL key, gives the rows whose reference to {@code g} its delete set to NULL here (their records say
     * so, with the delete's stamp) their reference back, if nothing changed them since: the row keeps its version, as
     * the peers where the delete lost hold it.
     */
    private List<String> referBack(DSLContext ctx, BoundTable t, Reference r, Deleted g, Change incoming) {
        List<String> out = new ArrayList<>();
        for (ConflictRecord rec : conflicts.constraintsSaying(ctx, t.name(), "(" + g.deleteStamp() + NULLED)) {
            RowKey key = rec.key().orElseThrow();
            boolean arrived = !rec.remoteOrigin().value().equals(g.tomb().origin());
            Optional<RowImage> was = arrived ? rec.remoteImage() : rec.localImage();
            long ts = arrived ? rec.remoteTimestamp().asLong() : rec.localTimestamp().orElseThrow().asLong();
            String origin = arrived ? rec.remoteOrigin().value() : rec.localOrigin().orElseThrow().value();
            if (!g.restores(origin, arrived ? rec.changeSet().sequence() : rec.localSequence().orElse(0L)) || g.written().contains(rowId(t, key))) {
                continue; // it lost where the row was inserted again, before that insert
            }
            RowVersion now = held(ctx, t, t.typedKey(key)).orElse(null);
            if (was.isEmpty() || now == null || now.deleted() || now.timestamp() != ts || !now.origin().equals(origin)
                || t.name().equalsIgnoreCase(incoming.table()) && t.typedKey(key).equals(t.typedKey(incoming.key()))) {
                continue; // written again since: that write decided its reference
            }
            List<Condition> set = new ArrayList<>();
            Map<org.jooq.Field<?>, Object> values = new LinkedHashMap<>();
            for (String col : r.columns()) {
                values.put(t.field(col), was.get().get(col));
                set.add(t.field(col).isNull());
            }
            int changed = ctx.update(t.table()).set(values).where(KeyConditions.in(t.keyFields(), List.of(t.typedKey(key)))).and(DSL.and(set)).execute();
            if (changed > 0) {
                conflicts.amend(ctx, rec.id(), arrived ? Outcome.APPLIED_REMOTE : Outcome.KEPT_LOCAL,
                    "restored: the delete lost later, to a write of " + incoming.table() + " " + incoming.key() + "; its reference is back");
                out.add(t.name() + " " + key);
            }
        }
        return out;
    }

    /**
     * The parent {@code row} refers to through {@code r}, if it is gone here: with its tombstone if a delete the write's
     * origin had not seen removed it (else a null tombstone: nothing concurrent to judge).
     */
    private Optional<Gone> gone(DSLContext ctx, ChangeSet cs, Reference r, RowImage row, HybridTimestamp initial) {
        Optional<BoundTable> parent = tables.find(r.parentTable());
        Optional<List<Object>> parentKey = parent.flatMap(pt -> keyOf(pt, r, row));
        if (parentKey.isEmpty() || exists(ctx, parent.get(), parentKey.get())) {
            return Optional.empty();
        }
        BoundTable pt = parent.get();
        RowKey key = pt.keyOf(parentKey.get());
        LocalRow local = localRows.load(ctx, pt, List.of(key), initial).get(key);
        Optional<RowVersion> tomb = local == null ? Optional.empty() : local.version();
        if (tomb.isEmpty() || !tomb.get().deleted() || local.shadow().isEmpty()
            || tomb.get().seenBy(cs.origin().value(), LocalRows.dependencies(cs))) {
            return Optional.of(new Gone(pt, r, key, null, null));
        }
        return Optional.of(new Gone(pt, r, key, tomb.get(), local.shadow().get()));
    }

    /** The child lost to its parent's delete, or was parked or ignored by the resolver: not written here. */
    private Plan childLost(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, Gone g, Planner.Verdict v) throws SQLException {
        Change c = p.change();
        String against = "its parent " + g.describe() + " was deleted by a concurrent write (" + g.deleteStamp() + ")";
        if (v.failure().isPresent()) {
            return Plan.lost(c, records.refused(cs, p, ConflictType.CONSTRAINT, against + "; " + v.failure().get()).withResolver(v.resolver()));
        }
        if (v.resolution() instanceof Resolution.Ignore) {
            return Plan.ignored(c);
        }
        if (!(v.resolution() instanceof Resolution.KeepLocal)) {
            return Plan.lost(c, records.refused(cs, p, ConflictType.CONSTRAINT, against + "; resolver " + v.resolver()
                + " left it to a person").withResolver(v.resolver()));
        }
        BoundTable t = tables.get(c.table());
        RowVersion tomb = g.tomb();
        RowVersion removed = RowVersion.live(t.typedKey(c.key()), tomb.timestamp(), tomb.origin(), tomb.originSequence().orElse(0L));
        Optional<ToLongFunction<String>> horizon = planner.lineageHorizon(ctx, t);
        if (horizon.isPresent()) {
            // the row's write and the delete it lost to, as the peer that removed the row with its parent keeps them
            RowVersion written = Lineages.after(Optional.of(removed), held(ctx, t, t.typedKey(c.key())), cs, c, horizon.get()).orElseThrow();
            removed = removed.withLineage(Lineages.reached(written.lineage(), Lineages.deleteOf(tomb), Lineages.deleteHistory(tomb), horizon.get()));
        }
        LosingRow.remove(connection, ctx, t, c, removed);
        return Plan.lost(c, records.refusedDecided(cs, p, ConflictType.CONSTRAINT, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED,
            against + " that won: this row lost and is not here (removed if it was)").withResolver(v.resolver()));
    }

    /** {@code w}'s row with the columns of each key in {@code nulled} set to NULL. */
    private static RowWriter.Write withNulls(RowWriter.Write w, List<Gone> nulled) {
        Map<String, Object> nulls = new LinkedHashMap<>();
        nulled.forEach(g -> g.reference().columns().forEach(col -> nulls.put(col, null)));
        if (w instanceof RowWriter.InsertRow i) {
            return new RowWriter.InsertRow(i.table(), i.row().with(nulls));
        }
        RowWriter.UpdateRow u = (RowWriter.UpdateRow) w;
        return new RowWriter.UpdateRow(u.table(), u.key(), u.row().with(nulls));
    }

    /** The parent's key a row refers to through {@code r} (to the parent's primary key), if every column is set. */
    static Optional<List<Object>> keyOf(BoundTable parent, Reference r, RowImage row) {
        if (!toPrimaryKey(parent, r)) {
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

    // ---- a parent delete meeting children written concurrently ------------------------------------------------------

    /**
     * A row referring to a parent through {@code reference}, with its version (empty: from before replication, or not
     * concurrent with the delete), {@code depth} levels below the deleted row ({@code above}: the row it refers to).
     */
    private record Child(BoundTable table, Reference reference, RowKey key, RowImage row, Optional<RowVersion> version, int depth,
                         String above) {
        Stamp stamp() {
            return version.map(ForeignKeyConflicts::stamp).orElse(new Stamp(HybridTimestamp.fromLong(0), Optional.empty(), 0));
        }

        String describe() {
            return table.name() + " " + key;
        }
    }

    /**
     * Judges the delete plan {@code p}, which the target refused (it is written after the ChangeSet's other rows, so its
     * children are those still there), against the rows referring to its row.
     */
    private Optional<Plan> parentDelete(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, HybridTimestamp initial)
        throws SQLException {
        Change c = p.change();
        BoundTable pt = tables.get(c.table());
        List<Object> parentKey = pt.typedKey(c.key());
        List<Child> children = new ArrayList<>();
        for (BoundTable t : tables.all()) {
            for (Reference r : t.references()) {
                if (!r.parentTable().equalsIgnoreCase(pt.name())) {
                    continue;
                }
                if (!judged(r) || !toPrimaryKey(pt, r)) {
                    return Optional.empty(); // a key this does not judge: its effect is left as it is
                }
                children.addAll(children(ctx, t, r, parentKey, initial));
            }
        }
        if (children.isEmpty()) {
            return Optional.empty(); // refused for another reason, or nothing for a cascade to reach
        }
        Map<String, Long> deps = LocalRows.dependencies(cs);
        List<Child> concurrent = children.stream()
            .filter(ch -> ch.version().isPresent() && !ch.version().get().seenBy(cs.origin().value(), deps))
            .sorted(Comparator.comparing(Child::stamp).reversed()).toList();
        if (concurrent.isEmpty()) {
            return removeChildren(connection, ctx, cs, p, children, true, Optional.empty());
        }
        List<RowImage> parentRow = RowReader.read(ctx, pt, KeyConditions.in(pt.keyFields(), List.of(parentKey)), true, false);
        if (parentRow.isEmpty()) {
            return Optional.empty();
        }
        Judgment j = judge(ctx, cs, pt, c, parentRow.get(0), concurrent.stream().map(Child::stamp).toList());
        Child by = concurrent.get(j.against());
        Planner.Verdict v = j.verdict();
        String against = "row " + by.describe() + " refers to it and was written concurrently (" + by.stamp() + ")";
        return verdictOnDelete(connection, ctx, cs, p, parentKey, v, against,
            resolver -> removeChildren(connection, ctx, cs, p, children, true, resolver));
    }

    /**
     * The delete won: its children go with it — deleted, with a tombstone carrying the delete's stamp, or their reference
     * set to NULL under a SET NULL key (their version unchanged, as the peer that receives them writes them). The
     * parent is deleted here if {@code deleteNow}, else by the ChangeSet's own write, after its other rows.
     */
    private Optional<Plan> removeChildren(Connection connection, DSLContext ctx, ChangeSet cs, Plan p, List<Child> children,
                                          boolean deleteNow, Optional<String> resolver) throws SQLException {
        Change c = p.change();
        List<RowWriter.Write> writes = new ArrayList<>();
        // deeper rows first: a row the cascade would reach through one above it is deleted, with its tombstone, itself
        java.util.TreeMap<Integer, List<RowWriter.Write>> deletes = new java.util.TreeMap<>(Comparator.reverseOrder());
        List<String> gone = new ArrayList<>();
        List<String> nulled = new ArrayList<>();
        List<ConflictRecord> lost = new ArrayList<>();
        Map<String, Long> deps = LocalRows.dependencies(cs);
        for (Child ch : children) {
            if (setsNull(ch.reference())) {
                Map<String, Object> nulls = new LinkedHashMap<>();
                ch.reference().columns().forEach(col -> nulls.put(col, null));
                writes.add(new RowWriter.UpdateRow(ch.table(), ch.key(), ch.row().with(nulls)));
                nulled.add(ch.describe());
                if (resolver.isPresent() && ch.version().isPresent() && !ch.version().get().seenBy(cs.origin().value(), deps)) {
                    lost.add(records.childRemoved(cs, c, ch.table(), ch.key(), ch.row(), ch.version().get(), resolver.get(),
                        parentOf(ch, c) + " was deleted by a concurrent write (" + Stamp.of(c.timestamp(), cs.origin(), cs.sequence())
                            + NULLED));
                }
                continue;
            }
            deletes.computeIfAbsent(ch.depth(), d -> new ArrayList<>()).add(new RowWriter.DeleteRow(ch.table(), ch.key()));
            if (resolver.isPresent() && ch.version().isPresent() && !ch.version().get().seenBy(cs.origin().value(), deps)) {
                // its own record, holding its write: should the delete lose later, it comes back as it was (restoreLost)
                lost.add(records.childRemoved(cs, c, ch.table(), ch.key(), ch.row(), ch.version().get(), resolver.get(),
                    parentOf(ch, c) + " was deleted by a concurrent write (" + Stamp.of(c.timestamp(), cs.origin(), cs.sequence())
                        + ") that won: this row went with it"));
            }
            RowVersion tomb = RowVersion.tombstone(ch.table().typedKey(ch.key()), c.timestamp().asLong(), cs.origin().value(),
                cs.sequence(), ChangeSetCodec.imageToJson(ch.row()));
            Optional<ToLongFunction<String>> horizon = planner.lineageHorizon(ctx, ch.table());
            if (horizon.isPresent()) {
                Lineage before = Lineage.of(held(ctx, ch.table(), ch.table().typedKey(ch.key())));
                tomb = tomb.withLineage(Lineages.reached(before, Lineages.entry(cs, c), Lineages.deleteHistory(parentTomb(ctx, cs, c)), horizon.get()));
            }
            shadows.write(ctx, ch.table().shadow(), List.of(tomb));
            gone.add(ch.describe());
        }
        if (!new RowWriter(connection, ctx).execute(writes).isEmpty()) {
            return Optional.empty();
        }
        for (List<RowWriter.Write> level : deletes.values()) {
            if (!new RowWriter(connection, ctx).execute(level).isEmpty()) {
                return Optional.empty();
            }
        }
        if (deleteNow && !new RowWriter(connection, ctx).execute(List.of(p.write().get())).isEmpty()) {
            return Optional.empty();
        }
        conflicts.record(ctx, lost);
        String detail = (resolver.isEmpty() ? "the rows referring to it were all written before this delete, and"
            : "rows referring to it were written concurrently; the delete won, and they") + " went with it:"
            + (gone.isEmpty() ? "" : " deleted " + String.join(", ", gone)) + (nulled.isEmpty() ? "" : " set to NULL " + String.join(", ", nulled));
        ConflictRecord record = records.refusedDecided(cs, p, ConflictType.CONSTRAINT, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED, detail);
        return Optional.of(Plan.conflict(c, deleteNow ? Optional.empty() : p.write(), p.version(),
            resolver.map(record::withResolver).orElse(record)));
    }

    private String pt(Change c) {
        return tables.get(c.table()).name() + " " + c.key();
    }

    /** How a record names what a removed row lost with: its parent, or the row above it that the delete's cascade took. */
    private String parentOf(Child ch, Change delete) {
        return ch.depth() <= 1 ? "its parent " + pt(delete) : "its parent " + ch.above() + ", reached by the cascade of the delete of " + pt(delete) + ",";
    }

    private List<Child> children(DSLContext ctx, BoundTable t, Reference r, List<Object> parentKey, HybridTimestamp initial) {
        List<Condition> match = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
            match.add(t.field(r.columns().get(i)).eq(DSL.val(parentKey.get(i), t.field(r.columns().get(i)))));
        }
        List<RowImage> rows = RowReader.read(ctx, t, DSL.and(match), true, true);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<RowKey> keys = rows.stream().map(t::keyOf).toList();
        Map<RowKey, LocalRow> held = localRows.load(ctx, t, keys, initial);
        List<Child> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            LocalRow l = held.get(keys.get(i));
            out.add(new Child(t, r, keys.get(i), rows.get(i), l == null ? Optional.empty() : l.version(), 1, ""));
        }
        return out;
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    /** Whether conflicts under {@code r} are judged here: every delete rule but SET DEFAULT. */
    static boolean judged(Reference r) {
        return r.restricts() || r.deleteRule().equals("CASCADE") || setsNull(r);
    }

    private static boolean setsNull(Reference r) {
        return r.deleteRule().equals("SET NULL");
    }

    static boolean toPrimaryKey(BoundTable parent, Reference r) {
        return r.parentColumns().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()
            .equals(parent.spec().keyColumns().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }

    private static boolean exists(DSLContext ctx, BoundTable t, List<Object> key) {
        return ctx.fetchExists(ctx.selectOne().from(t.table()).where(KeyConditions.in(t.keyFields(), List.of(key))));
    }

    static Stamp stamp(RowVersion v) {
        return Stamp.of(HybridTimestamp.fromLong(v.timestamp()), NodeId.of(v.origin()), v.originSequence().orElse(0L));
    }

    /**
     * The version of a parent brought back: alive, with the stamp of the delete that lost and its tombstone's lineage,
     * on every peer alike (where the delete lost on arrival, the row keeps that stamp and the lineage after it).
     */
    private static RowVersion aliveAt(RowVersion tomb) {
        return RowVersion.live(tomb.key(), tomb.timestamp(), tomb.origin(), tomb.originSequence().orElse(0L)).withLineage(tomb.lineage());
    }

    /** One row's identity across tables, for sets of rows. */
    private static String rowId(BoundTable t, RowKey key) {
        return t.name().toLowerCase(Locale.ROOT) + " " + t.typedKey(key);
    }

    /** The version {@code t}'s row {@code key} (typed) has here, if any. */
    private Optional<RowVersion> held(DSLContext ctx, BoundTable t, List<Object> key) {
        return Optional.ofNullable(shadows.versions(ctx, t.shadow(), List.of(key)).get(key));
    }

    /**
     * The incoming parent delete {@code c} of {@code cs} as a tombstone names it, with the history its table's lineage
     * gives it (see {@link Lineages#deleteHistory}).
     */
    private RowVersion parentTomb(DSLContext ctx, ChangeSet cs, Change c) {
        BoundTable pt = tables.get(c.table());
        RowVersion tomb = RowVersion.tombstone(pt.typedKey(c.key()), c.timestamp().asLong(), cs.origin().value(), cs.sequence(), "{}");
        return planner.lineageHorizon(ctx, pt).isPresent() ? tomb.withLineage(new Lineage(Lineages.history(cs), List.of())) : tomb;
    }
}
