package dev.converge.workbench.web.view;

/** One conflict in the list. Immutable. */
public record ConflictRow(long id, String href, String detected, String table, String key, String type, String typeNote, String outcome, String status, String statusClass, String origins, String decidedBy) {
}
