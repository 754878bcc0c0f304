package dev.converge.workbench.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.Node;
import dev.converge.conflict.ConflictPage;
import dev.converge.decision.Decision;
import dev.converge.decision.DecisionResult;
import dev.converge.decision.Decisions;
import dev.converge.decision.Review;
import dev.converge.model.ChangeSetCodec;
import dev.converge.workbench.user.Logins;
import dev.converge.workbench.user.WorkbenchUser;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workbench's JSON API under {@code /api/v1} (documented in the README's "Workbench" section):
 *
 * <ul>
 *   <li>{@code GET /api/v1/conflicts} — a page of the conflict list ({@link ConflictFilter} reads the parameters);</li>
 *   <li>{@code GET /api/v1/conflicts/{id}} — one conflict with the rows it concerns as they stand now and the
 *       {@code asOf} token a decision must hand back;</li>
 *   <li>{@code POST /api/v1/conflicts/{id}/decision} — a person's decision ({@code take-local}, {@code take-remote},
 *       {@code delete}, or {@code merge} with a row), with a comment and the {@code asOf} token; refused (409) if the
 *       rows changed since;</li>
 *   <li>{@code POST /api/v1/decisions} — one decision for every conflict a filter matches (bulk).</li>
 * </ul>
 *
 * Every request needs HTTP Basic authentication as a workbench user; deciding needs the {@code resolver} role (a
 * viewer gets 403). Bodies and answers are JSON; errors are {@code {"error": "..."}} with 400, 401, 403, 404 or 409.
 * Requests are served on Javalin's threads; decisions go through {@code node.decisions()}, which serialises them with
 * apply. Thread-safe.
 */
public final class ConflictApi {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictApi.class);
    /** The most conflicts one bulk request decides; a larger match is refused so a mistaken filter cannot sweep everything. */
    static final int BULK_LIMIT = Decisions.BULK_LIMIT;

    private final Node node;
    private final Logins logins;

    public ConflictApi(Node node, Logins logins) {
        this.node = node;
        this.logins = logins;
    }

    public void routes(JavalinConfig config) {
        config.routes.get("/api/v1/conflicts", ctx -> serve(ctx, false, this::list));
        config.routes.get("/api/v1/conflicts/{id}", ctx -> serve(ctx, false, this::show));
        config.routes.post("/api/v1/conflicts/{id}/decision", ctx -> serve(ctx, true, this::decide));
        config.routes.post("/api/v1/decisions", ctx -> serve(ctx, true, this::decideAll));
    }

    private interface Handler {
        void handle(Context ctx, WorkbenchUser user);
    }

    /** Authenticates, checks the role, runs the handler; a bad request becomes a 400 with its reason. */
    private void serve(Context ctx, boolean decides, Handler handler) {
        ctx.header("Cache-Control", "no-store");
        Optional<WorkbenchUser> user = basicUser(ctx);
        if (user.isEmpty()) {
            ctx.header("WWW-Authenticate", "Basic realm=\"converge workbench\", charset=\"UTF-8\"");
            answer(ctx, 401, ConflictJson.error("log in with a workbench user's name and password (HTTP Basic)"));
            return;
        }
        if (decides && user.get().role() != WorkbenchUser.Role.RESOLVER) {
            answer(ctx, 403, ConflictJson.error("user " + user.get().name() + " is a viewer; resolving needs the resolver role"));
            return;
        }
        try {
            handler.handle(ctx, user.get());
        } catch (BadRequest e) {
            answer(ctx, 400, ConflictJson.error(e.getMessage()));
        }
    }

    private Optional<WorkbenchUser> basicUser(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return logins.check(decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
    }

    private void list(Context ctx, WorkbenchUser user) {
        ConflictFilter f = ConflictFilter.from(ctx::queryParam);
        ConflictPage page = node.conflicts(f.query(), f.after(), f.limit());
        answer(ctx, 200, ConflictJson.page(page));
    }

    private void show(Context ctx, WorkbenchUser user) {
        long id = id(ctx);
        Optional<Review> review = node.decisions().review(id);
        if (review.isEmpty()) {
            answer(ctx, 404, ConflictJson.error("no conflict " + id + " is recorded on node " + node.id()));
            return;
        }
        answer(ctx, 200, ConflictJson.review(review.get()));
    }

    private void decide(Context ctx, WorkbenchUser user) {
        long id = id(ctx);
        JsonNode body = body(ctx);
        Decision decision = decision(body);
        String asOf = text(body, "asOf").orElseThrow(() -> new BadRequest(
            "asOf is required: the token GET /api/v1/conflicts/" + id + " answered, so a decision never overwrites a row changed since"));
        String comment = text(body, "comment").orElse("");
        if (node.conflict(id).isEmpty()) {
            answer(ctx, 404, ConflictJson.error("no conflict " + id + " is recorded on node " + node.id()));
            return;
        }
        DecisionResult result = node.decisions().decide(id, decision, user.name(), comment, asOf);
        if (result instanceof DecisionResult.Decided d) {
            LOG.info("{} decided {} on conflict {} ({} record(s) marked)", user.name(), decision.word(), id, d.records().size());
            answer(ctx, 200, ConflictJson.decided(d));
        } else if (result instanceof DecisionResult.Refused r) {
            answer(ctx, 409, ConflictJson.error(r.reason()));
        }
    }

    private void decideAll(Context ctx, WorkbenchUser user) {
        JsonNode body = body(ctx);
        Decision decision = decision(body);
        JsonNode filter = body.path("filter");
        if (!filter.isObject()) {
            throw new BadRequest("filter is required: an object with the list's parameters (e.g. {\"status\": \"needs-review\", \"table\": \"item\"})");
        }
        ConflictFilter f = ConflictFilter.from(name -> filter.hasNonNull(name) ? filter.get(name).asText() : null);
        String comment = text(body, "comment").orElse("");
        Decisions.BulkResult result;
        try {
            result = node.decisions().decideAll(f.query(), decision, user.name(), comment, BULK_LIMIT);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        LOG.info("{} decided {} on {} of {} conflict(s) matching a filter", user.name(), decision.word(), result.decided(), result.matched());
        answer(ctx, 200, ConflictJson.bulk(result));
    }

    private static Decision decision(JsonNode body) {
        String word = text(body, "decision").orElseThrow(() -> new BadRequest(
            "decision is required: take-local, take-remote, delete or merge"));
        return switch (word) {
            case "take-local" -> new Decision.TakeLocal();
            case "take-remote" -> new Decision.TakeRemote();
            case "delete" -> new Decision.DeleteRow();
            case "merge" -> {
                JsonNode row = body.path("row");
                if (!row.isObject()) {
                    throw new BadRequest("a merge needs row: the merged row as an object of column to value");
                }
                try {
                    yield new Decision.MergedRow(ChangeSetCodec.imageFromJson(row.toString()));
                } catch (RuntimeException e) {
                    throw new BadRequest("row is not a row image: " + e.getMessage());
                }
            }
            default -> throw new BadRequest("unknown decision '" + word + "' (known: take-local, take-remote, delete, merge)");
        };
    }

    private static long id(Context ctx) {
        String text = ctx.pathParam("id");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadRequest("conflict id must be a number, not '" + text + "'");
        }
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode body = ChangeSetCodec.mapper().readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static void answer(Context ctx, int status, JsonNode json) {
        ctx.status(status).contentType("application/json").result(json.toString());
    }
}
