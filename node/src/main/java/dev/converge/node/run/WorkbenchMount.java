package dev.converge.node.run;

import dev.converge.Node;
import dev.converge.node.monitor.NodeStatus;
import dev.converge.workbench.Workbench;
import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.workbench.web.dashboard.PeerSummary;
import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The workbench on a running node's server, with the dashboard fed from the node's own status (each peer's
 * reachability, queue and lag, as {@code GET /status} reports them). The routes are added while the server is built,
 * before the {@link RunningNode} exists, so the node is {@link #attach attached} once it runs; until then the dashboard
 * shows no peers. Thread-safe.
 */
public final class WorkbenchMount {
    private final AtomicReference<RunningNode> running = new AtomicReference<>();
    private final Workbench workbench;

    public WorkbenchMount(Node node, List<WorkbenchUser> users) {
        this.workbench = new Workbench(node, users, this::peers);
    }

    /** The workbench's routes, for {@link RunningNode}'s constructor. */
    public Consumer<JavalinConfig> routes() {
        return workbench::routes;
    }

    /** The running node whose status the dashboard shows. */
    public void attach(RunningNode node) {
        running.set(node);
    }

    private List<PeerSummary> peers() {
        RunningNode r = running.get();
        return r == null ? List.of() : summaries(r.status());
    }

    static List<PeerSummary> summaries(NodeStatus status) {
        return status.peers().stream().map(p -> new PeerSummary(p.id(), p.url(), Optional.ofNullable(p.reachable()),
            p.waitingChangeSets() == null ? 0 : p.waitingChangeSets(),
            Optional.ofNullable(p.oldestUnacknowledgedSeconds()).map(s -> Duration.ofMillis(Math.round(s * 1000))),
            Optional.ofNullable(p.lastError()))).toList();
    }
}
