package dev.converge.specs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowSetsTest {
    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put((String) kv[i], kv[i + 1]);
        }
        return row;
    }

    @Test
    void columnNamesIgnoreCaseAndNumbersCompareByValue() {
        assertTrue(RowSets.diff(List.of(row("marca", 1325L, "pret", new BigDecimal("12.50"))),
            List.of(row("MARCA", 1325, "PRET", new BigDecimal("12.5")))).isEmpty());
    }

    @Test
    void textIsExactAndNotANumber() {
        RowSets.Diff diff = RowSets.diff(List.of(row("marca", "1325")), List.of(row("marca", 1325)));
        assertEquals("missing [{marca: '1325'}]; unexpected [{marca: 1325}]", diff.describe());
        assertFalse(RowSets.diff(List.of(row("jud", "MS")), List.of(row("jud", "ms"))).isEmpty());
    }

    @Test
    void nullIsNullOnly() {
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("note", null);
        assertTrue(RowSets.diff(List.of(withNull), List.of(withNull)).isEmpty());
        assertFalse(RowSets.diff(List.of(withNull), List.of(row("note", ""))).isEmpty());
        assertFalse(RowSets.diff(List.of(withNull), List.of(row("other", null))).isEmpty());
    }

    @Test
    void datesAndTimestampsAreIsoText() {
        assertTrue(RowSets.diff(List.of(row("d", "2026-03-01", "t", "2026-03-01 08:30")),
            List.of(row("d", Date.valueOf("2026-03-01"), "t", Timestamp.valueOf("2026-03-01 08:30:00")))).isEmpty());
        assertFalse(RowSets.diff(List.of(row("d", "2026-03-02")), List.of(row("d", Date.valueOf("2026-03-01"))))
            .isEmpty());
    }

    @Test
    void rowsAreAMultiset() {
        Map<String, Object> a = row("id", 1);
        Map<String, Object> b = row("id", 2);
        assertTrue(RowSets.diff(List.of(a, b, a), List.of(a, a, b)).isEmpty());
        RowSets.Diff diff = RowSets.diff(List.of(a, a), List.of(a, b));
        assertEquals("missing [{id: 1}]; unexpected [{id: 2}]", diff.describe());
    }
}
