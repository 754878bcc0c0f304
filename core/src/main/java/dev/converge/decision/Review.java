package dev.converge.decision;

import dev.converge.conflict.ConflictRecord;
import dev.converge.model.RowImage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A conflict as a person sees it before deciding: its record, the rows it concerns as they stand now on this node
 * (for a row conflict, its key; for a {@code transaction} conflict, every row of the rejected ChangeSet; an absent row
 * maps to empty; in that order: a row conflict's own row first), and {@code asOf}, a token naming that state (the rows' images and versions). Hand {@code asOf} back
 * to {@link Decisions#decide}: the decision is refused if the rows changed since.
 */
public record Review(ConflictRecord conflict, Map<String, Optional<RowImage>> currentRows, String asOf) {
    public Review {
        Objects.requireNonNull(conflict);
        // kept in order, so the conflict's own row stays first (Map.copyOf would lose it for a unique collision's two rows)
        currentRows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(currentRows));
        Objects.requireNonNull(asOf);
    }

    /** The conflict's row as it stands now (a row conflict); empty if absent. */
    public Optional<RowImage> currentRow() {
        return currentRows.values().stream().findFirst().flatMap(r -> r);
    }
}
