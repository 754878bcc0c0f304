package dev.converge.workbench.web.dashboard;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One peer as the node's links see it, for the dashboard: the running node adapts its own status to these (the
 * workbench cannot see the node module), see {@code Workbench}'s constructor. Immutable.
 *
 * @param id the peer's node id
 * @param url where it listens
 * @param reachable whether the last delivery to it succeeded; empty before the first attempt
 * @param waiting this node's ChangeSets it has not acknowledged yet (the queue towards it)
 * @param lag how long the oldest of them has been waiting; empty when none waits
 * @param lastError what the last failed delivery said, if the last one failed
 */
public record PeerSummary(String id, String url, Optional<Boolean> reachable, long waiting, Optional<Duration> lag,
                          Optional<String> lastError) {
    public PeerSummary {
        Objects.requireNonNull(id);
        Objects.requireNonNull(url);
        Objects.requireNonNull(reachable);
        Objects.requireNonNull(lag);
        Objects.requireNonNull(lastError);
    }
}
