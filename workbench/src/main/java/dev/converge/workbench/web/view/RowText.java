package dev.converge.workbench.web.view;

/** A row a whole-ChangeSet conflict concerns, as it stands now on this node. Immutable. */
public record RowText(String table, String key, String row) {
}
