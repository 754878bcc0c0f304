package dev.converge.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.dialect.Dialect;
import dev.converge.model.RowImage;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.DeleteWinsResolver;
import dev.converge.testkit.KeepLocalResolver;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A decision settles a conflict for good: A and B write row 1 concurrently and exchange their writes; a person at A
 * decides (take local, take remote, delete, or a merged row); before the decision travels, B and C may write the row
 * again, concurrently with it. Then ChangeSets travel in a random interleaving of single deliveries, and finally
 * everywhere. Whatever the resolver (timestamp, keep-local, delete-wins), every peer ends with the row as the decision
 * left it at A.
 */
class DecisionProperties {
    /** One run: the resolver, the first writes, the decision, the concurrent writes, the deliveries before the final sync. */
    record Run(String resolver, String writeA, String writeB, Decision decision, String laterB, String laterC, List<int[]> deliveries) {
        @Override
        public String toString() {
            return "resolver " + resolver + "; A: " + writeA + "; B: " + writeB + "; decide at A: " + decision + "; then B: " + laterB
                + "; C: " + laterC + "; deliveries " + deliveries.stream().map(d -> "ABC".charAt(d[0]) + ">" + "ABC".charAt(d[1])).toList();
        }
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void everyPeerEndsWithTheDecisionOnH2(@ForAll("runs") Run run) {
        check(Dialect.H2, run);
    }

    @Property(tries = 6, edgeCases = EdgeCasesMode.NONE)
    void everyPeerEndsWithTheDecisionOnPostgres(@ForAll("runs") Run run) {
        check(Dialect.POSTGRESQL, run);
    }

    static void check(Dialect dialect, Run run) {
        Cluster c = Cluster.of(dialect, "decision_prop", DecisionIT.ABC, DecisionIT.SCHEMA,
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of(run.resolver()))));
        c.tick(1000);
        c.write("A", run.writeA());
        c.tick(1000);
        c.write("B", run.writeB());
        c.deliver("A", "B");
        c.deliver("B", "A");
        List<ConflictRecord> atA = c.node("A").conflicts();
        if (atA.isEmpty()) {
            return; // both deleted the row and the resolver dropped nothing to review: no conflict to decide
        }
        c.tick(1000);
        Decisions decisions = c.node("A").decisions();
        ConflictRecord r = atA.get(atA.size() - 1);
        DecisionResult result = decisions.decide(r.id(), run.decision(), "ana", "", decisions.review(r.id()).orElseThrow().asOf());
        assertInstanceOf(DecisionResult.Decided.class, result, "The decision is carried out: " + result);
        List<RowImage> decided = c.rows("A", "item");
        c.tick(1000);
        c.write("B", run.laterB());
        c.tick(1000);
        c.write("C", run.laterC());
        for (int[] d : run.deliveries()) {
            c.deliver(DecisionIT.ABC.get(d[0]), DecisionIT.ABC.get(d[1]));
        }
        c.sync();
        for (String id : c.ids()) {
            assertEquals(decided, c.rows(id, "item"), "Peer " + id + " holds the row as the decision left it. " + run);
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        Arbitrary<String> resolver = Arbitraries.of("timestamp", KeepLocalResolver.NAME, DeleteWinsResolver.NAME);
        Arbitrary<String> write = Arbitraries.of("UPDATE item SET v = 'x' WHERE id = 1", "UPDATE item SET v = 'y' WHERE id = 1",
            "DELETE FROM item WHERE id = 1");
        Arbitrary<Decision> decision = Arbitraries.of(Decision.TAKE_LOCAL, Decision.TAKE_REMOTE, Decision.DELETE_ROW,
            new Decision.MergedRow(RowImage.of(Map.of("id", 1, "v", "m"))));
        Arbitrary<String> later = Arbitraries.of("UPDATE item SET v = 'late' WHERE id = 1", "DELETE FROM item WHERE id = 1",
            "UPDATE item SET v = v WHERE id = 2");
        Arbitrary<int[]> delivery = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 2))
            .as((from, step) -> new int[] {from, (from + step) % 3});
        return Combinators.combine(resolver, write, write, decision, later, later, delivery.list().ofMaxSize(10)).as(Run::new);
    }
}
