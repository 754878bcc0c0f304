/**
 * The workbench's dashboard data: {@link dev.converge.workbench.web.dashboard.PeerSummary} (a peer's reachability,
 * queue and lag, supplied by the running node) and {@link dev.converge.workbench.web.dashboard.ConflictChart}
 * (conflicts over time, laid out for a server-rendered SVG chart).
 */
package dev.converge.workbench.web.dashboard;
