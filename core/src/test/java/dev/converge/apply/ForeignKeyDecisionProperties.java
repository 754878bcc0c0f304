package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.clock.HybridTimestamp;
import dev.converge.clock.ManualTimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.Stamp;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.testkit.DeleteWinsResolver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The two sides of a foreign-key conflict, as {@link Planner#parentConflict} puts them to a resolver: peer A holds the
 * parent's delete and meets a child written concurrently on B (remote: the parent kept, with the child's stamp); peer B
 * holds the child and meets the delete (remote: the delete; local: the parent, with the child's stamp). A rule that
 * decides a pair of writes alike from either side must keep or delete the parent on both peers alike, or the mesh
 * cannot converge.
 */
class ForeignKeyDecisionProperties {
    private static final RowKey KEY = new RowKey(Map.of("id", 12));
    private static final RowImage PARENT = RowImage.of(Map.of("id", 12, "name", "Scule SRL"));

    @Property(tries = 500)
    void everyPeerKeepsOrDeletesTheParentAlike(@ForAll("rules") ConflictResolver rule,
                                               @ForAll @IntRange(min = 0, max = 3) int deleteMillis,
                                               @ForAll @IntRange(min = 0, max = 3) int childMillis,
                                               @ForAll @IntRange(min = 0, max = 2) int priorityA,
                                               @ForAll @IntRange(min = 0, max = 2) int priorityB,
                                               @ForAll @LongRange(min = 1, max = 3) long deleteSequence,
                                               @ForAll @LongRange(min = 1, max = 3) long childSequence) {
        HybridTimestamp deleteTs = HybridTimestamp.ofMillis(1_000 + deleteMillis);
        HybridTimestamp childTs = HybridTimestamp.ofMillis(1_000 + childMillis);
        Stamp delete = Stamp.of(deleteTs, NodeId.of("A"), deleteSequence);
        Stamp child = Stamp.of(childTs, NodeId.of("B"), childSequence);

        Planner atA = planner(NodeConfig.builder("A").priority(priorityA).peer("B", priorityB).build());
        ChangeSet childSet = new ChangeSet(NodeId.of("B"), childSequence, childTs, Map.of(), List.of());
        Conflict metAtA = atA.parentConflict(childSet, "f", new Change.Insert("f", KEY, PARENT, childTs), Optional.empty(),
            Optional.of(PARENT), delete);
        Resolution a = rule.resolve(metAtA);
        boolean keptAtA = a instanceof Resolution.ApplyRemote || a instanceof Resolution.Merge;

        Planner atB = planner(NodeConfig.builder("B").priority(priorityB).peer("A", priorityA).build());
        ChangeSet deleteSet = new ChangeSet(NodeId.of("A"), deleteSequence, deleteTs, Map.of(), List.of());
        Conflict metAtB = atB.parentConflict(deleteSet, "f", new Change.Delete("f", KEY, PARENT, deleteTs), Optional.of(PARENT),
            Optional.empty(), child);
        Resolution b = rule.resolve(metAtB);
        boolean keptAtB = !(b instanceof Resolution.ApplyRemote);

        assertEquals(keptAtA, keptAtB, rule.name() + ": A answered " + a + " to the child, B " + b + " to the delete");
    }

    @Provide
    Arbitrary<ConflictResolver> rules() {
        return Arbitraries.of(new TimestampResolver(), new DeleteWinsResolver());
    }

    private static Planner planner(NodeConfig config) {
        Tables tables = new Tables(List.of());
        return new Planner(config, tables, Map.of(), new ConflictRecords(config, tables, new ManualTimeSource(0)),
            new dev.converge.queue.Horizon(config.peers().isEmpty()));
    }
}
