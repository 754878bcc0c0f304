package dev.converge.workbench.web.view;

/** One peer on the dashboard: whether it is reachable, how many ChangeSets wait for it and how old the oldest is. Immutable. */
public record PeerRow(String id, String url, String reach, String reachClass, String queue, String lag, String lastError) {
}
