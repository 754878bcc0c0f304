package dev.converge.workbench.web;

import dev.converge.Node;
import dev.converge.conflict.ConflictQuery;
import dev.converge.decision.Decision;
import dev.converge.decision.Decisions;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.BulkView;
import dev.converge.workbench.web.view.Hidden;
import dev.converge.workbench.web.view.Link;
import dev.converge.workbench.web.view.MessageView;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rule (take local, take remote, delete) for every conflict the list's current filter matches: a confirmation
 * page that says how many, then each conflict decided on its own (its own review and staleness check, so one refused
 * does not stop the others; conflicts decided meanwhile are left alone). At most {@link #LIMIT} at once, so a filter
 * left too wide cannot sweep everything. Thread-safe.
 */
final class BulkPage {
    private static final Logger LOG = LoggerFactory.getLogger(BulkPage.class);
    static final int LIMIT = Decisions.BULK_LIMIT;

    private final Node node;
    private final Templates templates;
    private final Guard guard;

    BulkPage(Node node, Templates templates, Guard guard) {
        this.node = node;
        this.templates = templates;
        this.guard = guard;
    }

    /** {@code GET /bulk}: what would be decided, and the confirmation form (resolvers only). */
    void confirm(Context ctx, WebSession s) {
        ListFilter filter = ListFilter.from(ctx::queryParam);
        String rule = String.valueOf(ctx.queryParam("rule"));
        Link back = new Link("Back to the list", filter.listLink(), false);
        if (!s.canResolve()) {
            message(ctx, s, 403, "Not allowed", "User " + s.user().name() + " is a viewer: only resolvers decide conflicts.", back);
            return;
        }
        Optional<ConflictQuery> query = checked(ctx, s, filter, rule, back);
        if (query.isEmpty()) {
            return;
        }
        long count = node.conflicts(query.get(), Optional.empty(), 1).matching();
        List<Hidden> hidden = filter.values().entrySet().stream().map(e -> new Hidden(e.getKey(), e.getValue())).toList();
        String problem = count > LIMIT ? count + " conflicts match; one bulk decision takes at most " + LIMIT + ". Narrow the filter." : null;
        templates.page(ctx, 200, "bulk.jte", new BulkView(guard.frame(s, "Decide in bulk", "conflicts"), describe(filter), count, rule,
            Display.rule(rule), hidden, back, problem));
    }

    /** {@code POST /bulk}: decides every conflict the filter matches now. */
    void decideAll(Context ctx, WebSession s) {
        ListFilter filter = ListFilter.from(ctx::formParam);
        String rule = String.valueOf(ctx.formParam("rule"));
        Link back = new Link("Back to the list", filter.listLink(), false);
        Optional<ConflictQuery> query = checked(ctx, s, filter, rule, back);
        if (query.isEmpty()) {
            return;
        }
        Decision decision = decision(rule).orElseThrow();
        String comment = Optional.ofNullable(ctx.formParam("comment")).orElse("").strip();
        Decisions.BulkResult result;
        try {
            result = node.decisions().decideAll(query.get(), decision, s.user().name(), comment, LIMIT);
        } catch (IllegalArgumentException e) {
            message(ctx, s, 400, "Too many conflicts", e.getMessage(), back);
            return;
        }
        int decided = result.decided();
        List<String> refusals = result.refused().stream().map(r -> "Conflict " + r.conflictId() + ": " + r.reason()).toList();
        LOG.info("{} decided {} on {} of {} conflict(s) matching a filter", s.user().name(), rule, decided, result.matched());
        String text = "Decided " + decided + " of the " + result.matched() + " conflicts that matched, by the rule: " + Display.rule(rule) + "."
            + (refusals.isEmpty() ? "" : " " + refusals.size() + " could not be decided:");
        templates.page(ctx, 200, "message.jte", new MessageView(guard.frame(s, "Bulk decision", "conflicts"), "Bulk decision done", text,
            refusals, refusals.isEmpty() ? "ok" : "refused", back));
    }

    /** The filter's query, if the rule is one a bulk decision takes and the filter reads; else answers why, and empty. */
    private Optional<ConflictQuery> checked(Context ctx, WebSession s, ListFilter filter, String rule, Link back) {
        if (decision(rule).isEmpty()) {
            message(ctx, s, 400, "Choose a rule", "A bulk decision takes this node's row, takes the incoming row, or deletes.", back);
            return Optional.empty();
        }
        try {
            return Optional.of(filter.query(null, 1).query());
        } catch (IllegalArgumentException e) {
            message(ctx, s, 400, "The filter could not be used", String.valueOf(e.getMessage()), back);
            return Optional.empty();
        }
    }

    private static Optional<Decision> decision(String rule) {
        return switch (rule) {
            case "take-local" -> Optional.of(Decision.TAKE_LOCAL);
            case "take-remote" -> Optional.of(Decision.TAKE_REMOTE);
            case "delete" -> Optional.of(Decision.DELETE_ROW);
            default -> Optional.empty();
        };
    }

    /** The filter in words: "status needs-review, table item". */
    private static String describe(ListFilter filter) {
        if (filter.values().isEmpty()) {
            return "every conflict on this node";
        }
        List<String> parts = new ArrayList<>();
        filter.values().forEach((k, v) -> {
            if (!k.equals("sort")) {
                parts.add(k + " " + v);
            }
        });
        return parts.isEmpty() ? "every conflict on this node" : "conflicts with " + String.join(", ", parts);
    }

    private void message(Context ctx, WebSession s, int status, String heading, String text, Link back) {
        templates.page(ctx, status, "message.jte", new MessageView(guard.frame(s, heading, "conflicts"), heading, text, List.of(),
            status == 403 ? "refused" : "problem", back));
    }
}
