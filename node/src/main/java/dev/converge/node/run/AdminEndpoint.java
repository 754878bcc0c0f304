package dev.converge.node.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of the node's own commands, on the node's port, opened by its {@link AdminKey}
 * ({@code Authorization: Bearer KEY}); any other request gets 401 and is logged (without what it presented):
 * <ul>
 *   <li>{@code POST /converge/admin/reload} reloads its configuration file ({@link ConfigReload}) for
 *   {@code converge reload}. The answer is JSON: {@code {"valid": true|false, "lines": [...]}}; 200 when the file was read
 *   and applied as far as it can be, 422 when it has problems (then nothing changed).</li>
 *   <li>{@code POST /converge/admin/resync?from=PEER[&progress=none]} loads the peer's snapshot into the running node
 *   ({@link RunningNode#loadSnapshot}) for {@code converge resync}. The answer is plain text, streamed a line at a time as
 *   the load goes (progress every 5 s, unless {@code progress=none}), and its last line is {@value #LOADED} and the number of conflicts the load recorded,
 *   or {@value #NOT_LOADED}; 400 for a
 *   {@code from} that is not a peer.</li>
 * </ul>
 * As with the workbench, the routes are added while the server is built, before the reload and its key exist (the key
 * file names the port the server took), so they are {@link #attach attached} once the node runs; until then every
 * request gets 503. Thread-safe.
 */
public final class AdminEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reload's path. */
    public static final String RELOAD = "/converge/admin/reload";
    /** The resync's path. */
    public static final String RESYNC = "/converge/admin/resync";
    /** The last line of a resync's answer when the snapshot was loaded. */
    public static final String LOADED = "converge-resync: loaded";
    /** The last line of a resync's answer when it was not. */
    public static final String NOT_LOADED = "converge-resync: not loaded";

    /** The reload, the running node and the key that opens them, set together. */
    private record Attached(ConfigReload reload, RunningNode running, AdminKey key) {
    }

    private final AtomicReference<Attached> attached = new AtomicReference<>();

    /** The routes, for {@link RunningNode}'s constructor. */
    public Consumer<JavalinConfig> routes() {
        return config -> {
            config.routes.post(RELOAD, this::reload);
            config.routes.post(RESYNC, this::resync);
        };
    }

    /** What the routes run, for requests that carry {@code key}. */
    public void attach(ConfigReload reload, RunningNode running, AdminKey key) {
        attached.set(new Attached(reload, running, key));
    }

    /** The attached node if the request may use it; otherwise null, the refusal answered. */
    private Attached authorized(Context ctx, String what) {
        Attached a = attached.get();
        if (a == null) {
            answer(ctx, 503, Map.of("error", "the node is still starting"));
            return null;
        }
        if (!a.key().matches(presented(ctx.header("Authorization")))) {
            LOG.warn("refused a {} request from {}: it does not carry this node's admin key", what, ctx.ip());
            answer(ctx, 401, Map.of("error", "not authorized: run converge " + what + " on the node's machine, as the user the node runs as"));
            return null;
        }
        return a;
    }

    private void resync(Context ctx) throws Exception {
        Attached a = authorized(ctx, "resync");
        if (a == null) {
            return;
        }
        String from = ctx.queryParam("from");
        dev.converge.Node node = a.running().node();
        if (from == null || !dev.converge.model.NodeId.isValid(from) || !node.peers().contains(dev.converge.model.NodeId.of(from))) {
            answer(ctx, 400, Map.of("error", "from must be a peer of node " + node.id() + " (its peers: " + node.peers() + ")"));
            return;
        }
        LOG.info("loading the snapshot of {} (converge resync asked)", from);
        ctx.status(200).contentType("text/plain; charset=utf-8");
        // the servlet's own stream, each line flushed as it is printed: the command shows it at once (Javalin's
        // ctx.outputStream() holds everything, the head included, until the handler returns)
        java.io.PrintStream out = new java.io.PrintStream(ctx.res().getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
        boolean progress = !"none".equals(ctx.queryParam("progress"));
        java.util.Optional<dev.converge.resync.ResyncReport> report = a.running().loadSnapshot(dev.converge.model.NodeId.of(from), progress, out);
        if (report.isPresent()) {
            LOG.info("loaded the snapshot of {}: {}", from, report.get());
        } else {
            LOG.warn("the snapshot of {} was not loaded (the answer to converge resync says why)", from);
        }
        out.println(report.map(r -> LOADED + " " + r.conflicts()).orElse(NOT_LOADED));
        out.flush();
    }

    private void reload(Context ctx) {
        Attached a = authorized(ctx, "reload");
        if (a == null) {
            return;
        }
        ConfigReload.Outcome outcome = a.reload().reload();
        ObjectNode body = JSON.createObjectNode().put("valid", outcome.valid());
        outcome.lines().forEach(body.putArray("lines")::add);
        ctx.status(outcome.valid() ? 200 : 422).contentType("application/json").result(body.toString());
    }

    private static byte[] presented(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(authorization.substring("Bearer ".length()).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void answer(Context ctx, int status, Map<String, String> body) {
        ctx.status(status).contentType("application/json").result(JSON.valueToTree(body).toString());
    }
}
