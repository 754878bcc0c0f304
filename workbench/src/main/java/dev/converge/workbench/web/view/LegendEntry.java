package dev.converge.workbench.web.view;

/** A table's colour in the chart. Immutable. */
public record LegendEntry(String table, String color, long total) {
}
