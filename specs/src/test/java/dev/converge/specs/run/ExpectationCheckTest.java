package dev.converge.specs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.model.ChangeSetId;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.specs.model.ConflictExpectation;
import dev.converge.specs.model.Expectations;
import dev.converge.specs.model.Row;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checks alone, on hand-made node states: every expectation can fail, and says what differed. */
class ExpectationCheckTest {
    private static final Row VASILE = Row.of("marca", 1325L, "nume", "Vasile", "jud", "MS");
    /** As a database hands it back: upper-case column names (H2), column order kept. */
    private static final Map<String, Object> VASILE_DB = new LinkedHashMap<>(Map.of("MARCA", 1325L));

    static {
        VASILE_DB.put("NUME", "Vasile");
        VASILE_DB.put("JUD", "MS");
    }

    private static Expectations tables(Map<String, List<Row>> tables) {
        return new Expectations(false, tables, Map.of(), List.of(), false, List.of());
    }

    private static NodeState state(String node, List<Map<String, Object>> pers, List<ConflictRecord> conflicts) {
        return new NodeState(node, Map.of("pers", pers), Map.of("PERS", pers.stream().map(RowImage::new).toList()),
            conflicts);
    }

    @Test
    void matchingStatesHaveNoProblems() {
        assertEquals(List.of(), ExpectationCheck.problems(tables(Map.of("pers", List.of(VASILE))),
            List.of(state("A", List.of(VASILE_DB), List.of()), state("B", List.of(VASILE_DB), List.of()))));
    }

    @Test
    void aTableThatDiffersOnOneNodeIsReportedForThatNode() {
        List<String> problems = ExpectationCheck.problems(tables(Map.of("pers", List.of(VASILE))),
            List.of(state("A", List.of(VASILE_DB), List.of()), state("B", List.of(), List.of())));
        assertEquals(List.of("table pers on B: missing [{marca: 1325, nume: 'Vasile', jud: 'MS'}] (expected 1 row, found 0 rows)"),
            problems);
    }

    @Test
    void aMissingTableIsAProblem() {
        NodeState noTable = new NodeState("A", Map.of(), Map.of(), List.of());
        assertEquals(List.of("table pers on A: there is no such table"),
            ExpectationCheck.problems(tables(Map.of("pers", List.of())), List.of(noTable)));
    }

    @Test
    void perNodeExpectations() {
        Expectations expect = new Expectations(false, Map.of(), Map.of("B", Map.of("pers", List.of())), List.of(), false,
            List.of());
        assertEquals(List.of("table pers on B: unexpected [{marca: 1325, nume: 'Vasile', jud: 'MS'}] (expected 0 rows, found 1 row)"),
            ExpectationCheck.problems(expect, List.of(state("A", List.of(), List.of()), state("B", List.of(VASILE_DB), List.of()))));
    }

    @Test
    void divergenceSaysWhichNodeHasWhat() {
        Expectations converged = new Expectations(true, Map.of(), Map.of(), List.of(), false, List.of());
        Map<String, Object> ion = Map.of("marca", 7L);
        List<String> problems = ExpectationCheck.problems(converged,
            List.of(state("A", List.of(VASILE_DB), List.of()), state("B", List.of(ion), List.of())));
        assertEquals(1, problems.size());
        assertEquals("not converged: table pers: A has [{marca: 1325, nume: 'Vasile', jud: 'MS'}] that B lacks; "
            + "B has [{marca: 7}] that A lacks", problems.get(0));
    }

    @Test
    void conflictsMatchOnTheFieldsGiven() {
        ConflictRecord recorded = conflict(ConflictType.UPDATE_MISSING_ROW, Outcome.KEPT_LOCAL);
        ConflictExpectation byKey = expectation(Optional.of(ConflictType.UPDATE_MISSING_ROW), Optional.empty());
        ConflictExpectation wrongOutcome = expectation(Optional.empty(), Optional.of(Outcome.APPLIED_REMOTE));
        List<NodeState> states = List.of(state("A", List.of(), List.of(recorded)), state("B", List.of(), List.of()));
        Expectations expect = new Expectations(false, Map.of(), Map.of(), List.of(byKey, wrongOutcome), false, List.of());
        assertEquals(List.of("no conflict matches {node: A, table: pers, key: {marca: 1325}, outcome: applied-remote} "
                + "(line 9): A recorded [update-missing-row on PERS {marca: 1325}: kept-local (auto-resolved, scope row, "
                + "resolver timestamp, remote B@2026-01-01T12:05:00Z)]"),
            ExpectationCheck.problems(expect, states));
    }

    @Test
    void noConflictsFailsOnAnyRecord() {
        Expectations expect = new Expectations(false, Map.of(), Map.of(), List.of(), true, List.of());
        List<String> problems = ExpectationCheck.problems(expect, List.of(state("A", List.of(), List.of()),
            state("B", List.of(), List.of(conflict(ConflictType.INSERT_EXISTS, Outcome.APPLIED_REMOTE)))));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("expected no conflicts, but B recorded [insert-exists on PERS {marca: 1325}"),
            problems.get(0));
    }

    private static ConflictExpectation expectation(Optional<ConflictType> type, Optional<Outcome> outcome) {
        return new ConflictExpectation(9, Optional.of("A"), Optional.of("pers"), Optional.of(Row.of("marca", 1325)),
            type, outcome, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static ConflictRecord conflict(ConflictType type, Outcome outcome) {
        HybridTimestamp at = HybridTimestamp.ofMillis(Instant.parse("2026-01-01T12:05:00Z").toEpochMilli());
        return new ConflictRecord(1, NodeId.of("A"), type, "PERS", Optional.of(RowKey.of("MARCA", 1325)),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), at, NodeId.of("B"),
            new ChangeSetId(NodeId.of("B"), 1), ConflictScope.ROW, "timestamp", outcome, ConflictStatus.AUTO_RESOLVED,
            Instant.parse("2026-01-01T12:06:00Z"), Optional.empty());
    }
}
