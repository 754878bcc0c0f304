package dev.converge.workbench.web.view;

/** One column of a conflict's row images side by side; {@code differs} when the local and the incoming value differ. A value is its text, or null where the image has no row. Immutable. */
public record ColumnRow(String column, boolean key, String local, String remote, String shadow, String current, boolean differs) {
}
