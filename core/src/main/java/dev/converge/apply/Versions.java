package dev.converge.apply;

import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.LocalVersion;
import dev.converge.conflict.Stamp;
import dev.converge.decision.DecisionRule;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The versions apply gives rows (see {@link RowVersion} for the model): an incoming write that wins — cleanly, or
 * decided for by a resolver — replaces the row's version by its own; a merged row's version is the join of the local
 * version and the incoming write's, the same on every peer. For a merging resolver's table ({@code stamped}) the
 * write that last changed each column is kept too. Pure; thread-safe.
 */
final class Versions {
    private Versions() {
    }

    /** The version after the incoming change {@code c} of {@code cs} replaced what {@code local} held. */
    static RowVersion written(BoundTable t, ChangeSet cs, Change c, LocalRow local, boolean stamped) {
        RowVersion own;
        if (c.after().isPresent()) {
            own = live(t, cs, c);
        } else {
            // the delete's own image, not the row held here: a child that brings the row back brings it back as the
            // delete removed it, alike on the peer that deleted it and on one where it beat a concurrent update first
            RowImage deleted = c.before().or(local::row).orElseThrow();
            own = RowVersion.tombstone(t.typedKey(c.key()), c.timestamp().asLong(), cs.origin().value(), cs.sequence(),
                ChangeSetCodec.imageToJson(deleted));
        }
        RowVersion v = RowVersion.followed(local.version(), own, changed(t, c, local, stamped), columns(t, stamped));
        return DecisionRule.isDecision(cs) ? v.asDecision() : v; // every peer must know the row's latest write was a decision
    }

    /** The version of the row a resolver merged from {@code local} and the incoming change {@code c} of {@code cs}. */
    static RowVersion merged(BoundTable t, ChangeSet cs, Change c, LocalRow local, boolean stamped) {
        return RowVersion.merged(local.version(), live(t, cs, c), LocalRows.dependencies(cs), changed(t, c, local, stamped),
            columns(t, stamped));
    }

    /** What a resolver is shown of the local row's version. */
    static LocalVersion forResolver(BoundTable t, LocalRow local, boolean stamped) {
        Stamp latest = new Stamp(local.timestamp(), local.origin(), local.version().flatMap(RowVersion::originSequence).orElse(0L));
        if (local.version().isEmpty()) {
            Map<String, Stamp> columns = new LinkedHashMap<>();
            columns(t, stamped).forEach(c -> columns.put(c, stamp(RowVersion.ColumnStamp.BEFORE_REPLICATION)));
            return new LocalVersion(List.of(), columns, latest);
        }
        RowVersion v = local.version().get();
        List<Stamp> writes = new ArrayList<>();
        v.writes().forEach((origin, w) -> writes.add(Stamp.of(HybridTimestamp.fromLong(w.timestamp()), NodeId.of(origin), w.sequence())));
        writes.sort(Comparator.reverseOrder());
        Map<String, Stamp> columns = new LinkedHashMap<>();
        columns(t, stamped).forEach(c -> columns.put(c, stamp(v.stampOf(c))));
        return new LocalVersion(writes, columns, latest);
    }

    private static Stamp stamp(RowVersion.ColumnStamp s) {
        return new Stamp(HybridTimestamp.fromLong(s.timestamp()), Optional.ofNullable(s.origin()).map(NodeId::of), s.sequence());
    }

    private static RowVersion live(BoundTable t, ChangeSet cs, Change c) {
        return RowVersion.live(t.typedKey(c.key()), c.timestamp().asLong(), cs.origin().value(), cs.sequence());
    }

    /** The columns whose stamps a table keeps: its replicated columns if its resolver merges, else none. */
    private static List<String> columns(BoundTable t, boolean stamped) {
        return stamped ? t.spec().columns() : List.of();
    }

    /** The columns the change sets (all of them when it re-creates a row missing here), if the table keeps stamps. */
    private static Set<String> changed(BoundTable t, Change c, LocalRow local, boolean stamped) {
        return columns(t, stamped).stream().filter(col -> local.row().isEmpty() ? c.after().isPresent() : c.sets(col))
            .collect(Collectors.toSet());
    }
}
