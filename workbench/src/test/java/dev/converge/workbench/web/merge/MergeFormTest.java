package dev.converge.workbench.web.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The merge form's choices become the row a {@code MergedRow} decision writes, with typed text as the column's values. */
class MergeFormTest {
    static final RowImage LOCAL = RowImage.of(Map.of("ID", 1L, "NAME", "bolt-a", "QTY", 11L, "PRICE", new BigDecimal("1.50")));
    static final RowImage REMOTE = RowImage.of(Map.of("ID", 1L, "NAME", "bolt-b", "QTY", 12L, "PRICE", new BigDecimal("1.75")));
    static final ConflictRecord CONFLICT = new ConflictRecord(7, NodeId.of("A"), ConflictType.UPDATE_CHANGED_ROW, "ITEM",
        Optional.of(new RowKey(Map.of("id", 1L))), Optional.of(LOCAL), Optional.of(REMOTE), Optional.empty(),
        Optional.of(HybridTimestamp.ofMillis(1000)), Optional.of(NodeId.of("A")), HybridTimestamp.ofMillis(2000), NodeId.of("B"),
        new ChangeSetId(NodeId.of("B"), 3), ConflictScope.ROW, "timestamp", Outcome.APPLIED_REMOTE, ConflictStatus.AUTO_RESOLVED,
        Instant.EPOCH, Optional.empty());
    static final List<String> COLUMNS = List.of("ID", "NAME", "QTY", "PRICE");

    static MergeForm form(Map<String, String> params) {
        return MergeForm.read(CONFLICT, Optional.of(REMOTE), COLUMNS, params::get);
    }

    @Test
    void eachColumnTakesTheChosenSideOrTheTypedValueAndTheKeyStays() {
        MergeForm.Result r = form(Map.of("pick:NAME", "local", "pick:QTY", "typed", "typed:QTY", " 15 ", "pick:PRICE", "remote",
            "pick:ID", "typed", "typed:ID", "99")).row();
        assertEquals(List.of(), r.problems());
        RowImage row = r.row().orElseThrow();
        assertTrue(row.sameAs(RowImage.of(Map.of("ID", 1L, "NAME", "bolt-a", "QTY", 15L, "PRICE", new BigDecimal("1.75")))),
            "The merged row: " + row);
        assertEquals("the row's key (cannot change)", r.cells().get(0).source(), "The key cannot be picked or typed.");
        assertTrue(r.cells().get(1).changes(), "The name differs from the row now (the remote one).");
        assertTrue(!r.cells().get(3).changes(), "The price is what the row holds now.");
    }

    @Test
    void withoutChoicesEveryColumnIsThisNodesAndNoValueIsNull() {
        RowImage row = form(Map.of("pick:NAME", "null")).row().row().orElseThrow();
        assertEquals(null, row.get("NAME"));
        assertEquals(11L, row.get("QTY"), "By default a column keeps this node's value.");
        assertEquals(Map.of("pick:NAME", "null", "pick:QTY", "local", "pick:PRICE", "local"), form(Map.of("pick:NAME", "null")).fields(),
            "The choices travel on as form fields, the key's not among them.");
    }

    @Test
    void typedTextThatIsNotTheColumnsKindOfValueIsAProblemNotARow() {
        MergeForm.Result r = form(Map.of("pick:QTY", "typed", "typed:QTY", "a dozen", "pick:PRICE", "typed", "typed:PRICE", "1,5")).row();
        assertTrue(r.row().isEmpty(), "No row is made.");
        assertEquals(List.of("QTY: 'a dozen' is not a whole number", "PRICE: '1,5' is not a number (write it like 12.50)"), r.problems());
    }

    @Test
    void typedValuesFollowTheColumnsValues() {
        assertEquals(new BigDecimal("2.50"), TypedValue.of("2.50", List.of(new BigDecimal("1.00"))), "A decimal keeps its scale.");
        assertEquals(true, TypedValue.of("TRUE", java.util.Arrays.asList(null, false)));
        assertThrows(IllegalArgumentException.class, () -> TypedValue.of("yes", List.of(true)));
        assertEquals("2026-12-02", TypedValue.of("2026-12-02", List.of("2026-01-01")), "Dates travel as ISO text.");
        assertEquals(" spaced ", TypedValue.of(" spaced ", java.util.Arrays.asList(null, null)), "Text keeps its spaces.");
    }
}
