package dev.converge.workbench;

import dev.converge.Node;
import dev.converge.workbench.api.ConflictApi;
import dev.converge.workbench.user.Logins;
import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.workbench.web.WebPages;
import dev.converge.workbench.web.dashboard.PeerSummary;
import dev.converge.workbench.web.session.Sessions;
import io.javalin.config.JavalinConfig;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The workbench of one node: its JSON API under {@code /api/v1} and its web pages, added to the node's own HTTP server
 * (see {@code RunningNode}'s routes). Served only when the node's configuration lists workbench users: every route
 * needs a login. Thread-safe; the routes may be added to one server only.
 */
public final class Workbench {
    private final Node node;
    private final Logins logins;
    private final Supplier<List<PeerSummary>> peers;

    /** A workbench whose dashboard shows no peers (an embedded node without links). */
    public Workbench(Node node, List<WorkbenchUser> users) {
        this(node, users, List::of);
    }

    /**
     * @param peers the node's peers as its links see them now, for the dashboard (the running node adapts its status);
     *              called on each dashboard request, from the server's threads
     */
    public Workbench(Node node, List<WorkbenchUser> users, Supplier<List<PeerSummary>> peers) {
        this.node = Objects.requireNonNull(node);
        this.logins = new Logins(users);
        this.peers = Objects.requireNonNull(peers);
    }

    /** Adds the workbench's routes to a server being configured: the JSON API's, then the web pages'. */
    public void routes(JavalinConfig config) {
        new ConflictApi(node, logins).routes(config);
        new WebPages(node, logins, peers, new Sessions(), Clock.systemUTC()).routes(config);
    }
}
