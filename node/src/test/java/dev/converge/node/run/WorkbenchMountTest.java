package dev.converge.node.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.node.monitor.NodeStatus;
import dev.converge.workbench.web.dashboard.PeerSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dashboard's peers are the node's status as {@code GET /status} reports it; unknown values stay unknown. */
class WorkbenchMountTest {
    @Test
    void peersComeFromTheNodesStatus() {
        NodeStatus status = new NodeStatus("A", "up", List.of(
            new NodeStatus.PeerStatus("B", "http://b:7402", true, 4L, 2.5, "2026-12-02T10:00:00Z", null, null, 10, 7L),
            new NodeStatus.PeerStatus("C", "http://c:7403", null, null, null, null, "cannot reach http://c:7403", null, 0, null)),
            0L, 0L, "2026-12-02T10:00:01Z", 0L, 0L, Map.of());
        assertEquals(List.of(
                new PeerSummary("B", "http://b:7402", Optional.of(true), 4, Optional.of(Duration.ofMillis(2500)), Optional.empty()),
                new PeerSummary("C", "http://c:7403", Optional.empty(), 0, Optional.empty(), Optional.of("cannot reach http://c:7403"))),
            WorkbenchMount.summaries(status));
    }
}
