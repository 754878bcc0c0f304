package dev.converge.workbench.web.view;

/** The merge form of one conflict, with the choices made so far and why the last preview failed (null if it did not). Immutable. */
public record MergeView(Frame frame, long id, String asOf, String comment, String table, String key, java.util.List<MergeColumn> columns, String problem) {
}
