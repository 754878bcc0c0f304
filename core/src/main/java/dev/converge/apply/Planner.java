package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ApplyTransaction;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.ResolverCall;
import dev.converge.conflict.TimestampResolver;
import dev.converge.decision.DecisionRule;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import java.util.List;
import dev.converge.shadow.RowVersion;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * The detect and resolve stages of apply, for one change: asks {@link Detection} whether the change meets a
 * concurrent local write, asks the table's resolver to decide, and turns the answer into a {@link Plan} with the row's
 * new version ({@link Versions}). A resolver
 * that throws or answers nothing does not stop the apply: the change is parked as an {@code error} conflict. Pure apart
 * from calling the resolver; thread-safe.
 */
final class Planner {
    private static final TimestampResolver LATEST = new TimestampResolver();

    /**
     * Every kind of {@link Resolution} that {@link #resolved} carries out. {@code PlannerTest} checks it against the
     * sealed interface's permitted kinds, so a kind added there cannot go unhandled here.
     */
    static final java.util.Set<Class<? extends Resolution>> HANDLED = java.util.Set.of(Resolution.ApplyRemote.class,
        Resolution.Merge.class, Resolution.Ignore.class, Resolution.Park.class, Resolution.KeepLocal.class);

    private final NodeConfig config;
    private final Tables tables;
    private final Map<String, ConflictResolver> resolvers;
    private final ConflictRecords records;
    private final ResolverCall call;
    private final dev.converge.queue.Horizon horizon;

    Planner(NodeConfig config, Tables tables, Map<String, ConflictResolver> resolvers, ConflictRecords records,
            dev.converge.queue.Horizon horizon) {
        this.config = config;
        this.call = new ResolverCall(config.resolverTimeLimit());
        this.tables = tables;
        this.resolvers = Map.copyOf(resolvers);
        this.records = records;
        this.horizon = horizon;
    }

    /**
     * Plans {@code c} of {@code cs} against the local row; {@code ctx} is the apply transaction, for a resolver that
     * decides in it. For a table whose resolver compares histories, the plan's version carries the row's lineage on,
     * whatever the outcome: the change is applied here, so it is in the history of every later write of this node.
     */
    Plan plan(ChangeSet cs, Change c, LocalRow local, DSLContext ctx) {
        BoundTable t = tables.get(c.table());
        ConflictResolver resolver = resolvers.getOrDefault(t.name(), resolvers.get(""));
        Plan p = judge(cs, c, local, ctx, t, resolver);
        if (!resolver.comparesHistories()) {
            return p;
        }
        var h = horizon.of(ctx, t.name());
        Optional<RowVersion> v = Lineages.after(p.version(), local.version(), cs, c, h);
        return new Plan(p.change(), p.write(), v, p.record(), p.lost(), Lineages.after(Optional.empty(), local.version(), cs, c, h));
    }

    /**
     * The lineage {@code t}'s rows keep ({@link Lineages}), trimmed by the horizon read in {@code ctx}, if its resolver
     * compares histories: for a version written outside a plan (a foreign-key decision) to carry it on.
     */
    Optional<java.util.function.ToLongFunction<String>> lineageHorizon(DSLContext ctx, BoundTable t) {
        ConflictResolver resolver = resolvers.getOrDefault(t.name(), resolvers.get(""));
        return resolver.comparesHistories() ? Optional.of(horizon.of(ctx, t.name())) : Optional.empty();
    }

    private Plan judge(ChangeSet cs, Change c, LocalRow local, DSLContext ctx, BoundTable t, ConflictResolver resolver) {
        boolean merging = resolver.merges();
        Optional<ConflictType> conflict = Detection.detect(c, local);
        if (conflict.isEmpty()) {
            return Plan.clean(c, cleanWrite(t, c), Optional.of(Versions.written(t, cs, c, local, merging)));
        }
        Conflict subject = new Conflict(conflict.get(), t.name(), c.key(), c, cs.origin(), config.priorityOf(cs.origin()), local.row(),
            local.shadow(), local.timestamp(), local.origin(), local.origin().map(config::priorityOf).orElse(0), config.scopeOf(t.name()),
            Versions.forResolver(t, local, merging), cs.sequence(),
            resolver.comparesHistories() ? Optional.of(Lineages.fork(local.version(), cs, c, o -> config.priorityOf(NodeId.of(o))))
                : Optional.empty());
        // a person's decision on either side settles it before any resolver is asked (package decision)
        Optional<Boolean> byDecision = DecisionRule.remoteWins(DecisionRule.isDecision(cs), subject.remoteStamp(),
            local.version().map(RowVersion::decision).orElse(false), subject.localVersion().latest());
        if (byDecision.isPresent()) {
            return decided(t, cs, subject, local, byDecision.get());
        }
        // a resolver that picks a side has nothing to pick between equal rows; for a merging one both writes count
        if (!merging && Detection.sameOutcome(c, local)) {
            // the row's version must still be the winner's, for later conflicts are judged by it
            boolean remoteNewer = (resolver.comparesHistories() ? pick(resolver, subject) : LATEST.resolve(subject)) instanceof Resolution.ApplyRemote;
            return Plan.clean(c, Optional.empty(), remoteNewer ? Optional.of(Versions.written(t, cs, c, local, false)) : Optional.empty());
        }
        Resolution resolution;
        try {
            resolution = call.resolve(resolver, subject, transaction(ctx));
        } catch (RuntimeException | LinkageError e) {
            String why = e instanceof ResolverCall.ResolverFailedException ? e.getMessage() : "failed: " + ConflictRecords.describe(e);
            return Plan.lost(c, records.resolverFailed(cs, subject, "resolver " + resolver.name() + " " + why));
        }
        if (resolution == null) {
            return Plan.lost(c, records.resolverFailed(cs, subject, "resolver " + resolver.name() + " returned no resolution"));
        }
        if (resolution instanceof Resolution.Merge merge) {
            Optional<String> bad = badRow(t, c, merge.row());
            if (bad.isPresent()) {
                return Plan.lost(c, records.resolverFailed(cs, subject, "resolver " + resolver.name() + " returned a merged row " + bad.get()));
            }
        }
        return resolved(t, cs, subject, local, merging, resolution);
    }

    /**
     * The conflict between the incoming change {@code c} of {@code cs} and {@code collider}, a different local row that
     * holds one of its unique values (see {@link UniqueCollisions}): a {@code constraint} conflict, keyed by the incoming
     * row, whose local side is the colliding row.
     */
    Conflict collision(ChangeSet cs, Change c, LocalRow collider) {
        BoundTable t = tables.get(c.table());
        return new Conflict(ConflictType.CONSTRAINT, t.name(), c.key(), c, cs.origin(), config.priorityOf(cs.origin()), collider.row(),
            Optional.empty(), collider.timestamp(), collider.origin(), collider.origin().map(config::priorityOf).orElse(0),
            config.scopeOf(t.name()), Versions.forResolver(t, collider, false), cs.sequence());
    }

    /**
     * Which of two colliding rows' writes wins, by the table's resolver (its rule for {@code constraint} conflicts first).
     * Two different rows cannot be merged: a merging resolver, or an answer that merges, decides by the latest write; a
     * resolver that fails parks the conflict.
     */
    Resolution decideCollision(Conflict subject, DSLContext ctx) {
        ConflictResolver resolver = resolvers.getOrDefault(subject.table(), resolvers.get(""));
        if (resolver.merges()) {
            return LATEST.resolve(subject);
        }
        try {
            Resolution r = call.resolve(resolver, subject, transaction(ctx));
            return r == null ? Resolution.PARK : r instanceof Resolution.Merge ? LATEST.resolve(subject) : r;
        } catch (RuntimeException | LinkageError e) {
            return Resolution.PARK;
        }
    }

    /**
     * A foreign-key conflict between a parent row's delete and a concurrent write of a row referring to it (see {@link
     * ForeignKeyConflicts}), as the resolver of the parent's {@code table} (its name as the node spells it) sees it: a {@code constraint} conflict about the parent row,
     * between the incoming write and the local one. The side that keeps the parent is a write of its image ({@code
     * remote} an insert of it, or {@code local} the row as it is), stamped with the referring row's write; the other
     * side is the delete ({@code remote} a delete, or {@code shadow} the deleted image with an empty {@code local}).
     */
    Conflict parentConflict(ChangeSet cs, String table, Change remote, Optional<RowImage> local, Optional<RowImage> shadow,
                            dev.converge.conflict.Stamp localWrite) {
        dev.converge.conflict.LocalVersion version = new dev.converge.conflict.LocalVersion(List.of(localWrite), Map.of(), localWrite);
        return new Conflict(ConflictType.CONSTRAINT, table, remote.key(), remote, cs.origin(), config.priorityOf(cs.origin()), local,
            shadow, localWrite.timestamp(), localWrite.origin(), localWrite.origin().map(config::priorityOf).orElse(0),
            config.scopeOf(table), version, cs.sequence());
    }

    /** What the table's resolver answered to a conflict, or why it answered nothing. */
    record Verdict(Resolution resolution, String resolver, Optional<String> failure) {
    }

    /**
     * The answer of {@code subject}'s table's resolver (its rule for {@code constraint} conflicts first), asked as for
     * any conflict, merging or not: the caller decides what a merged row means. A resolver that throws, runs out of
     * time or answers nothing gives a {@link Resolution#PARK} with the failure.
     */
    Verdict decideConstraint(Conflict subject, DSLContext ctx) {
        ConflictResolver resolver = resolvers.getOrDefault(subject.table(), resolvers.get(""));
        String name = config.resolverOf(subject.table(), subject.type()).toString();
        try {
            Resolution r = call.resolve(resolver, subject, transaction(ctx));
            return r == null ? new Verdict(Resolution.PARK, name, Optional.of("resolver " + name + " returned no resolution"))
                : new Verdict(r, name, Optional.empty());
        } catch (RuntimeException | LinkageError e) {
            String why = e instanceof ResolverCall.ResolverFailedException ? e.getMessage() : "failed: " + ConflictRecords.describe(e);
            return new Verdict(Resolution.PARK, name, Optional.of("resolver " + name + " " + why));
        }
    }

    /** Which side a resolver picks between equal rows (only the version depends on it); by timestamp if it fails. */
    private static Resolution pick(ConflictResolver resolver, Conflict subject) {
        try {
            Resolution r = resolver.resolve(subject);
            return r == null ? LATEST.resolve(subject) : r;
        } catch (RuntimeException e) {
            return LATEST.resolve(subject);
        }
    }

    /** The apply transaction as a resolver that decides in the database sees it. */
    private ApplyTransaction transaction(DSLContext ctx) {
        return new ApplyTransaction(ctx, config.resolverTimeLimit());
    }

    /**
     * What is wrong with a merged row a resolver returned, if anything: a column the table does not replicate, a key
     * column missing, or another row's key. Such a row is not written (the conflict is parked with the reason): it
     * would write another row than the one in conflict, or lose what the resolver meant.
     */
    static Optional<String> badRow(BoundTable t, Change c, RowImage row) {
        java.util.Set<String> known = new java.util.HashSet<>();
        t.spec().columns().forEach(col -> known.add(col.toLowerCase(java.util.Locale.ROOT)));
        List<String> unknown = row.values().keySet().stream().filter(col -> !known.contains(col.toLowerCase(java.util.Locale.ROOT))).toList();
        if (!unknown.isEmpty()) {
            return Optional.of("with column(s) " + unknown + " that table " + t.name() + " does not replicate (it has " + t.spec().columns() + ")");
        }
        List<String> missing = t.spec().keyColumns().stream().filter(k -> !row.has(k)).toList();
        if (!missing.isEmpty()) {
            return Optional.of("without the key column(s) " + missing);
        }
        if (!t.keyOf(row).equals(c.key())) {
            return Optional.of("with the key " + t.keyOf(row) + ", not the key in conflict " + c.key());
        }
        return Optional.empty();
    }

    /**
     * A conflict settled by {@link DecisionRule}: the decision (or the later of two) wins, whatever the table's resolver.
     * Equal rows need no record, only the winner's version.
     */
    private Plan decided(BoundTable t, ChangeSet cs, Conflict subject, LocalRow local, boolean remoteWins) {
        Change c = subject.remote();
        Optional<RowVersion> version = remoteWins ? Optional.of(Versions.written(t, cs, c, local, false)) : Optional.empty();
        if (Detection.sameOutcome(c, local)) {
            return Plan.clean(c, Optional.empty(), version);
        }
        if (remoteWins) {
            return Plan.conflict(c, remoteWrite(t, c, local), version, records.byDecision(cs, subject, Outcome.APPLIED_REMOTE));
        }
        return Plan.lost(c, records.byDecision(cs, subject, Outcome.KEPT_LOCAL));
    }

    /**
     * Carries out a resolution. Every kind is named here: a kind added to the sealed {@link Resolution} and not handled
     * is an error conflict, never silently a keep-local (and {@code PlannerTest} fails: see {@link #HANDLED}).
     */
    private Plan resolved(BoundTable t, ChangeSet cs, Conflict subject, LocalRow local, boolean merging, Resolution r) {
        Change c = subject.remote();
        if (r instanceof Resolution.ApplyRemote) {
            return Plan.conflict(c, remoteWrite(t, c, local), Optional.of(Versions.written(t, cs, c, local, merging)),
                records.decided(cs, subject, Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED));
        }
        if (r instanceof Resolution.Merge merge) {
            RowImage row = t.spec().project(merge.row());
            Optional<RowWriter.Write> w = Optional.of(subject.local().isPresent()
                ? new RowWriter.UpdateRow(t, c.key(), row) : new RowWriter.InsertRow(t, row));
            return Plan.conflict(c, w, Optional.of(Versions.merged(t, cs, c, local, merging)),
                records.decided(cs, subject, Outcome.MERGED, ConflictStatus.AUTO_RESOLVED));
        }
        if (r instanceof Resolution.Ignore) {
            return Plan.ignored(c);
        }
        if (r instanceof Resolution.Park) {
            return Plan.lost(c, records.decided(cs, subject, Outcome.PARKED, ConflictStatus.NEEDS_REVIEW));
        }
        if (r instanceof Resolution.KeepLocal) {
            return Plan.lost(c, records.decided(cs, subject, Outcome.KEPT_LOCAL, ConflictStatus.AUTO_RESOLVED));
        }
        return Plan.lost(c, records.resolverFailed(cs, subject, "resolution " + r + " is not one the apply engine knows"));
    }

    private static Optional<RowWriter.Write> cleanWrite(BoundTable t, Change c) {
        if (c instanceof Change.Insert i) {
            return Optional.of(new RowWriter.InsertRow(t, i.row()));
        }
        if (c instanceof Change.Update u) {
            return Optional.of(new RowWriter.UpdateRow(t, u.key(), u.newRow()));
        }
        return Optional.of(new RowWriter.DeleteRow(t, c.key()));
    }

    /** The incoming change made to win: an insert or update over a missing row inserts it, over a present row replaces it. */
    private static Optional<RowWriter.Write> remoteWrite(BoundTable t, Change c, LocalRow local) {
        Optional<RowImage> after = c.after();
        if (after.isEmpty()) {
            return local.row().isPresent() ? Optional.of(new RowWriter.DeleteRow(t, c.key())) : Optional.empty();
        }
        return Optional.of(local.row().isPresent() ? new RowWriter.UpdateRow(t, c.key(), after.get()) : new RowWriter.InsertRow(t, after.get()));
    }
}
