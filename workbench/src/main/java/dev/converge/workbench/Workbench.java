package dev.converge.workbench;

import dev.converge.Node;
import dev.converge.workbench.api.ConflictApi;
import dev.converge.workbench.user.Logins;
import dev.converge.workbench.user.WorkbenchUser;
import io.javalin.config.JavalinConfig;
import java.util.List;
import java.util.Objects;

/**
 * The workbench of one node: its JSON API under {@code /api/v1} and its web pages, added to the node's own HTTP server
 * (see {@code RunningNode}'s routes). Served only when the node's configuration lists workbench users: every route
 * needs a login. Thread-safe; the routes may be added to one server only.
 */
public final class Workbench {
    private final Node node;
    private final Logins logins;

    public Workbench(Node node, List<WorkbenchUser> users) {
        this.node = Objects.requireNonNull(node);
        this.logins = new Logins(users);
    }

    /** Adds the workbench's routes to a server being configured. */
    public void routes(JavalinConfig config) {
        new ConflictApi(node, logins).routes(config);
    }
}
