package dev.converge.conflict;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a conflict list (see {@code Node.conflicts(ConflictQuery, Optional, int)}).
 *
 * <p>{@code next} is the cursor of the following page (the last record's id; empty on the last page): passing it back
 * continues exactly after this page in the query's order, and each page costs an index seek, not a scan of the pages
 * before it, so the hundredth page of 100,000 conflicts is as fast as the first. {@code matching} counts every record
 * the query matches; {@code byStatus} counts them per status under the query's other filters (ignoring its status
 * filter, so a list can show how many are waiting in each status next to the one it shows).
 */
public record ConflictPage(List<ConflictRecord> records, Optional<Long> next, long matching, Map<ConflictStatus, Long> byStatus) {
    public ConflictPage {
        records = List.copyOf(records);
        Objects.requireNonNull(next);
        byStatus = Map.copyOf(byStatus);
    }
}
