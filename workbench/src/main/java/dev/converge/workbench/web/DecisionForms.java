package dev.converge.workbench.web;

import dev.converge.Node;
import dev.converge.conflict.ConflictRecord;
import dev.converge.decision.Decision;
import dev.converge.decision.DecisionResult;
import dev.converge.decision.Review;
import dev.converge.model.RowImage;
import dev.converge.workbench.web.merge.MergeForm;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.Hidden;
import dev.converge.workbench.web.view.Link;
import dev.converge.workbench.web.view.MergeColumn;
import dev.converge.workbench.web.view.MergeView;
import dev.converge.workbench.web.view.MessageView;
import dev.converge.workbench.web.view.PreviewCell;
import dev.converge.workbench.web.view.PreviewView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's decision on one conflict: take local, take remote, delete, or a merge chosen column by column, shown as
 * the resulting row before it is confirmed. Every form carries the {@code asOf} of the review the person looked at, so
 * a decision on a row that changed since is refused with the reason ({@code node.decisions().decide}), and a comment.
 * Reached only through {@link Guard#change} with the resolver role. Thread-safe.
 */
final class DecisionForms {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionForms.class);

    private final Node node;
    private final Templates templates;
    private final Guard guard;
    private final DetailPage detail;

    DecisionForms(Node node, Templates templates, Guard guard, DetailPage detail) {
        this.node = node;
        this.templates = templates;
        this.guard = guard;
        this.detail = detail;
    }

    /** {@code POST /conflicts/{id}/decision}: take-local, take-remote or delete. */
    void decide(Context ctx, WebSession s) {
        Optional<ConflictRecord> r = WebPages.id(ctx).flatMap(node::conflict);
        if (r.isEmpty()) {
            detail.notFound(ctx, s, ctx.pathParam("id"));
            return;
        }
        String word = String.valueOf(ctx.formParam("decision"));
        Decision d = switch (word) {
            case "take-local" -> Decision.TAKE_LOCAL;
            case "take-remote" -> Decision.TAKE_REMOTE;
            case "delete" -> Decision.DELETE_ROW;
            default -> null;
        };
        if (d == null) {
            message(ctx, s, 400, "Unknown decision", "The form asked for '" + word + "'; the choices are take local, take remote "
                + "and delete.", r.get().id());
            return;
        }
        carryOut(ctx, s, r.get(), d);
    }

    /** {@code GET /conflicts/{id}/merge}: the merge form, every column on this node's side by default. */
    void mergeForm(Context ctx, WebSession s) {
        Optional<Review> review = WebPages.id(ctx).flatMap(i -> node.decisions().review(i));
        if (review.isEmpty()) {
            detail.notFound(ctx, s, ctx.pathParam("id"));
            return;
        }
        Review rv = review.get();
        if (rv.conflict().key().isEmpty()) {
            message(ctx, s, 400, "No merge for a whole transaction", "A whole-transaction conflict is accepted (replayed) or"
                + " rejected as a whole; a merge is made for one row.", rv.conflict().id());
            return;
        }
        showMerge(ctx, s, rv.conflict(), rv.asOf(), "", form(rv.conflict(), DetailPage.currentRow(rv), name -> null), null);
    }

    /** {@code POST /conflicts/{id}/merge/preview}: the merged row as it would be written, or the form again with the problems. */
    void preview(Context ctx, WebSession s) {
        Optional<Review> review = WebPages.id(ctx).flatMap(i -> node.decisions().review(i));
        if (review.isEmpty() || review.get().conflict().key().isEmpty()) {
            detail.notFound(ctx, s, ctx.pathParam("id"));
            return;
        }
        ConflictRecord r = review.get().conflict();
        String asOf = String.valueOf(ctx.formParam("asOf"));
        String comment = Optional.ofNullable(ctx.formParam("comment")).orElse("");
        MergeForm form = form(r, DetailPage.currentRow(review.get()), ctx::formParam);
        MergeForm.Result result = form.row();
        if (!result.problems().isEmpty()) {
            showMerge(ctx, s, r, asOf, comment, form, String.join("; ", result.problems()));
            return;
        }
        List<PreviewCell> cells = result.cells().stream()
            .map(c -> new PreviewCell(c.column(), Display.value(c.value()), c.source(), c.changes())).toList();
        List<Hidden> choices = form.fields().entrySet().stream().map(e -> new Hidden(e.getKey(), e.getValue())).toList();
        templates.page(ctx, 200, "preview.jte", new PreviewView(guard.frame(s, "Merge preview · conflict " + r.id(), "conflicts"), r.id(),
            asOf, comment, r.table(), r.key().map(Display::key).orElse(""), cells, choices));
    }

    /** {@code POST /conflicts/{id}/merge}: confirm the previewed merge, or ({@code step=edit}) go back to the form. */
    void merge(Context ctx, WebSession s) {
        Optional<Review> review = WebPages.id(ctx).flatMap(i -> node.decisions().review(i));
        if (review.isEmpty() || review.get().conflict().key().isEmpty()) {
            detail.notFound(ctx, s, ctx.pathParam("id"));
            return;
        }
        ConflictRecord r = review.get().conflict();
        MergeForm form = form(r, DetailPage.currentRow(review.get()), ctx::formParam);
        if ("edit".equals(ctx.formParam("step"))) {
            showMerge(ctx, s, r, String.valueOf(ctx.formParam("asOf")), Optional.ofNullable(ctx.formParam("comment")).orElse(""), form, null);
            return;
        }
        MergeForm.Result result = form.row();
        if (result.row().isEmpty()) {
            showMerge(ctx, s, r, String.valueOf(ctx.formParam("asOf")), Optional.ofNullable(ctx.formParam("comment")).orElse(""), form,
                String.join("; ", result.problems()));
            return;
        }
        carryOut(ctx, s, r, new Decision.MergedRow(result.row().get()));
    }

    private void carryOut(Context ctx, WebSession s, ConflictRecord r, Decision d) {
        String asOf = ctx.formParam("asOf");
        if (asOf == null || asOf.isBlank()) {
            message(ctx, s, 400, "Not decided", "The form did not say which state of the row you looked at. Open the conflict again"
                + " and decide from there.", r.id());
            return;
        }
        String comment = Optional.ofNullable(ctx.formParam("comment")).orElse("").strip();
        DecisionResult result;
        try {
            result = node.decisions().decide(r.id(), d, s.user().name(), comment, asOf);
        } catch (org.jooq.exception.DataAccessException e) {
            // a typed value the database cannot even convert to the column's type: nothing was written
            result = new DecisionResult.Refused(r.id(), "the database refused the decided row: " + e.getMessage());
        }
        if (result instanceof DecisionResult.Decided done) {
            LOG.info("{} decided {} on conflict {} ({} record(s) marked)", s.user().name(), d.word(), r.id(), done.records().size());
            ctx.redirect("/conflicts/" + r.id() + "?decided=" + URLEncoder.encode(d.word(), StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
        } else if (result instanceof DecisionResult.Refused refused) {
            boolean stale = refused.reason().startsWith("the row changed since");
            message(ctx, s, 409, stale ? "Not decided: the row changed while you were looking" : "Not decided",
                stale ? "Someone or something changed this row after you opened the page, so your decision was not written (it"
                    + " would have overwritten a change you had not seen). Open the conflict again, look at the row as it is now,"
                    + " and decide again. Details: " + refused.reason()
                    : "Nothing was written. The reason: " + refused.reason(), r.id());
        }
    }

    private static MergeForm form(ConflictRecord r, Optional<RowImage> current, java.util.function.UnaryOperator<String> param) {
        return MergeForm.read(r, current, DetailPage.columnNames(List.of(r.localImage(), r.remoteImage(), current)), param);
    }

    private void showMerge(Context ctx, WebSession s, ConflictRecord r, String asOf, String comment, MergeForm form, String problem) {
        List<MergeColumn> cols = form.columns().stream().map(c -> c.key()
            ? new MergeColumn(c.name(), true, keyValue(r, c.name()), keyValue(r, c.name()), Display.value(c.current()), c.pick(), c.typed())
            : new MergeColumn(c.name(), false, Display.value(c.local()), Display.value(c.remote()), Display.value(c.current()), c.pick(),
                c.typed())).toList();
        templates.page(ctx, problem == null ? 200 : 400, "merge.jte", new MergeView(guard.frame(s, "Merge · conflict " + r.id(), "conflicts"),
            r.id(), asOf, comment, r.table(), r.key().map(Display::key).orElse(""), cols, problem));
    }

    /** A key column's value in the conflict's key (a unique collision's local row has another key, which a merge keeps not). */
    private static String keyValue(ConflictRecord r, String column) {
        return r.key().map(k -> Display.value(new RowImage(k.values()).get(column))).orElse(null);
    }

    private void message(Context ctx, WebSession s, int status, String heading, String text, long id) {
        templates.page(ctx, status, "message.jte", new MessageView(guard.frame(s, heading, "conflicts"), heading, text, List.of(),
            status == 409 ? "refused" : "problem", new Link("Back to conflict " + id, "/conflicts/" + id, false)));
    }
}
