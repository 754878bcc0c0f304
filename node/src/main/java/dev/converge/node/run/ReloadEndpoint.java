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
 * {@code POST /converge/admin/reload} on the node's port: reloads its configuration file ({@link ConfigReload}) for
 * {@code converge reload}. Only a request that carries the node's {@link ReloadKey} ({@code Authorization: Bearer KEY})
 * is taken; any other gets 401 and is logged (without what it presented). The answer is JSON:
 * {@code {"valid": true|false, "lines": [...]}}; 200 when the file was read and applied as far as it can be, 422 when it
 * has problems (then nothing changed). As with the workbench, the routes are added while the server is built, before
 * the reload and its key exist (the key file names the port the server took), so they are {@link #attach attached}
 * once the node runs; until then every request gets 503. Thread-safe.
 */
public final class ReloadEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The route's path. */
    public static final String PATH = "/converge/admin/reload";

    /** The reload and the key that opens it, set together. */
    private record Attached(ConfigReload reload, ReloadKey key) {
    }

    private final AtomicReference<Attached> attached = new AtomicReference<>();

    /** The route, for {@link RunningNode}'s constructor. */
    public Consumer<JavalinConfig> routes() {
        return config -> config.routes.post(PATH, this::handle);
    }

    /** The reload the route runs, for requests that carry {@code key}. */
    public void attach(ConfigReload reload, ReloadKey key) {
        attached.set(new Attached(reload, key));
    }

    private void handle(Context ctx) {
        Attached a = attached.get();
        if (a == null) {
            answer(ctx, 503, Map.of("error", "the node is still starting"));
            return;
        }
        if (!a.key().matches(presented(ctx.header("Authorization")))) {
            LOG.warn("refused a reload request from {}: it does not carry this node's reload key", ctx.ip());
            answer(ctx, 401, Map.of("error", "not authorized: run converge reload on the node's machine, as the user the node runs as"));
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
