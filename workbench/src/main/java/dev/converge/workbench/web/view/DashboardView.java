package dev.converge.workbench.web.view;

/** The dashboard: the peers, conflicts over time, the ranges the chart can show, and the counts per status. Immutable. */
public record DashboardView(Frame frame, java.util.List<PeerRow> peers, ChartView chart, java.util.List<Link> ranges, java.util.List<Fact> totals, boolean peersKnown) {
}
