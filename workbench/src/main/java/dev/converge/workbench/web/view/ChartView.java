package dev.converge.workbench.web.view;

/** Conflicts over time as a stacked bar chart, laid out for SVG: bars, axis labels, horizontal grid lines (y values), the legend. Immutable. */
public record ChartView(int width, int height, java.util.List<ChartBar> bars, java.util.List<ChartLabel> labels, java.util.List<Integer> gridlines, int plotLeft, int plotRight, java.util.List<LegendEntry> legend, String caption, boolean empty) {
}
