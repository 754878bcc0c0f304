package dev.converge.workbench.web.view;

/** One rectangle of the chart (SVG user units) with its colour and the tooltip its title gives. Immutable. */
public record ChartBar(int x, int y, int width, int height, String color, String title) {
}
