package dev.converge.workbench.web.view;

/** One column of a merged row as it would be written: its value's text (null for no value), where it came from, and whether it differs from the row now. Immutable. */
public record PreviewCell(String column, String value, String source, boolean changes) {
}
