package dev.converge.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A review keeps its rows in the order given, so the conflict's own row is the current row (a unique collision has two). */
class ReviewTest {
    @Test
    void theConflictsOwnRowComesFirstWhateverTheOtherRows() {
        ConflictRecord r = new ConflictRecord(1, NodeId.of("A"), ConflictType.CONSTRAINT, "item", Optional.of(new RowKey(Map.of("id", 7))),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), HybridTimestamp.ofMillis(1),
            NodeId.of("B"), new ChangeSetId(NodeId.of("B"), 1), ConflictScope.ROW, "timestamp", Outcome.APPLIED_REMOTE,
            ConflictStatus.AUTO_RESOLVED, Instant.EPOCH, Optional.empty());
        Map<String, Optional<RowImage>> rows = new LinkedHashMap<>();
        for (int id = 7; id < 27; id++) {
            rows.put("item {id=" + id + "}", Optional.of(RowImage.of(Map.of("id", id))));
        }
        Review review = new Review(r, rows, "token");
        assertEquals(7L, ((Number) review.currentRow().orElseThrow().get("id")).longValue(), "The conflict's own row.");
        assertEquals(new ArrayList<>(rows.keySet()), List.copyOf(review.currentRows().keySet()), "Every row, in the order given.");
    }
}
