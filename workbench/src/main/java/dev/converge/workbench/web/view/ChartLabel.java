package dev.converge.workbench.web.view;

/** A text on the chart at (x, y); {@code anchor} is SVG's text-anchor. Immutable. */
public record ChartLabel(int x, int y, String text, String anchor) {
}
