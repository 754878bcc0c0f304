package dev.converge.resync;

/**
 * Told how a resync goes, for a progress bar. Called on the resync's thread; must not block for long.
 */
public interface ResyncProgress {
    ResyncProgress NONE = (stage, table, rows) -> { };

    /**
     * @param stage {@code rows}, {@code tombstones}, {@code orphans} or {@code inbox}
     * @param table the table being loaded (empty for the inbox)
     * @param rows how many snapshot rows (or ChangeSets) were handled so far, over all tables
     */
    void handled(String stage, String table, long rows);
}
