package dev.converge.workbench.web;

import dev.converge.Node;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.ManualDecision;
import dev.converge.decision.Review;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.Values;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.ColumnRow;
import dev.converge.workbench.web.view.Fact;
import dev.converge.workbench.web.view.Link;
import dev.converge.workbench.web.view.MessageView;
import dev.converge.workbench.web.view.RowText;
import dev.converge.workbench.web.view.DetailView;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One conflict in full ({@code node.decisions().review(id)}): what happened, when (hybrid timestamps spelled out),
 * which nodes and their priorities, the rule and its outcome, the local, incoming and shadow images side by side with
 * the differing columns marked, the row as it stands now, the whole ChangeSet's rows for transaction scope, and any
 * decision taken. Resolvers also get the decision form, which carries the review's {@code asOf}. Thread-safe.
 */
final class DetailPage {
    private final Node node;
    private final Templates templates;
    private final Guard guard;

    DetailPage(Node node, Templates templates, Guard guard) {
        this.node = node;
        this.templates = templates;
        this.guard = guard;
    }

    void show(Context ctx, WebSession s) {
        Optional<Long> id = WebPages.id(ctx);
        Optional<Review> review = id.flatMap(i -> node.decisions().review(i));
        if (review.isEmpty()) {
            notFound(ctx, s, ctx.pathParam("id"));
            return;
        }
        templates.page(ctx, 200, "detail.jte", view(s, review.get(), flash(ctx.queryParam("decided"))));
    }

    void notFound(Context ctx, WebSession s, String id) {
        templates.page(ctx, 404, "message.jte", new MessageView(guard.frame(s, "No such conflict", "conflicts"), "No such conflict",
            "Node " + node.id() + " has no conflict " + id + ". Each node lists the conflicts it detected itself.", List.of(), "problem",
            new Link("Back to the conflicts", "/conflicts", false)));
    }

    private static String flash(String decided) {
        if (decided == null) {
            return null;
        }
        return "Your decision (" + Display.decision(decided) + ") is written on this node and replicates to every peer, where it"
            + " wins over the conflicting writes.";
    }

    private DetailView view(WebSession s, Review review, String flash) {
        ConflictRecord r = review.conflict();
        boolean whole = r.type() == ConflictType.TRANSACTION || r.key().isEmpty();
        List<RowText> changeSetRows = new ArrayList<>();
        if (whole) {
            review.currentRows().forEach((k, v) -> changeSetRows.add(new RowText(tableOf(k), keyOf(k), v.map(Display::row).orElse(null))));
        }
        Optional<RowImage> current = whole ? Optional.empty() : currentRow(review);
        if (!whole && review.currentRows().size() > 1) {
            // a unique collision also concerns this node's row under another key: show every row it concerns
            review.currentRows().forEach((k, v) -> changeSetRows.add(new RowText(tableOf(k), keyOf(k), v.map(Display::row).orElse(null))));
        }
        return new DetailView(guard.frame(s, "Conflict " + r.id(), "conflicts"), r.id(), facts(r), columns(r, current), r.shadowImage().isPresent(),
            !whole, current.isEmpty() ? "There is no such row on this node now." : "", changeSetRows, decision(r), review.asOf(), s.canResolve(),
            whole, !whole && r.remoteImage().or(r::localImage).isPresent(), flash, r.detail().orElse(null));
    }

    /**
     * The row under the conflict's own key as it stands now; empty if there is none. (A unique collision's review also
     * holds this node's colliding row under its other key, which is not this row.)
     */
    static Optional<RowImage> currentRow(Review review) {
        Optional<dev.converge.model.RowKey> key = review.conflict().key();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return review.currentRows().values().stream().flatMap(Optional::stream)
            .filter(row -> key.get().values().entrySet().stream().allMatch(k -> row.has(k.getKey()) && Values.same(row.get(k.getKey()), k.getValue())))
            .findFirst();
    }

    private List<Fact> facts(ConflictRecord r) {
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("What happened", Display.type(r.type()), Display.typeNote(r.type())));
        f.add(new Fact("Table and row", r.table() + (r.key().map(k -> " · " + Display.key(k)).orElse(" · whole transaction")), ""));
        f.add(new Fact("Status", Display.status(r.status()), ""));
        f.add(new Fact("Outcome", Display.outcome(r.outcome()), "decided by the rule '" + r.resolver() + "' (scope: " + r.scope().word() + ")"));
        f.add(new Fact("Detected", Display.time(r.detectedTime()), "by node " + r.detectedAt() + " when the incoming change arrived"));
        f.add(new Fact("Incoming change", "from node " + side(r.remoteOrigin()), "written " + Display.timestamp(r.remoteTimestamp())
            + "; transaction " + r.changeSet()));
        f.add(new Fact("This node's row", r.localOrigin().map(o -> "last written by node " + side(o)).orElse("no earlier write known"),
            r.localTimestamp().map(t -> "written " + Display.timestamp(t)).orElse("")));
        return f;
    }

    private String side(NodeId n) {
        return n.value() + " (priority " + node.config().priorityOf(n) + ")";
    }

    private static List<Fact> decision(ConflictRecord r) {
        if (r.decision().isEmpty()) {
            return List.of();
        }
        ManualDecision d = r.decision().get();
        return List.of(new Fact("Decided by", d.who(), "on node " + d.decidedAt()), new Fact("When", Display.time(d.when()), ""),
            new Fact("Decision", Display.decision(d.what()), ""), new Fact("Comment", d.comment().isEmpty() ? "(none)" : d.comment(), ""));
    }

    /** Every column any image has, in the order first seen, names matched ignoring case (H2 spells them in capitals). */
    static List<String> columnNames(List<Optional<RowImage>> images) {
        List<String> names = new ArrayList<>();
        for (Optional<RowImage> image : images) {
            image.ifPresent(i -> i.values().keySet().forEach(c -> {
                if (names.stream().noneMatch(c::equalsIgnoreCase)) {
                    names.add(c);
                }
            }));
        }
        return names;
    }

    static boolean isKey(ConflictRecord r, String column) {
        return r.key().map(k -> k.values().keySet().stream().anyMatch(column::equalsIgnoreCase)).orElse(false);
    }

    private static List<ColumnRow> columns(ConflictRecord r, Optional<RowImage> current) {
        List<ColumnRow> out = new ArrayList<>();
        for (String c : columnNames(List.of(r.localImage(), r.remoteImage(), r.shadowImage(), current))) {
            boolean differs = r.localImage().isPresent() && r.remoteImage().isPresent()
                && !Values.same(r.localImage().get().get(c), r.remoteImage().get().get(c));
            out.add(new ColumnRow(c, isKey(r, c), text(r.localImage(), c), text(r.remoteImage(), c), text(r.shadowImage(), c),
                text(current, c), differs));
        }
        return out;
    }

    /** A cell: "no row" where the image is absent, the value's text, or null for a NULL value (shown as "no value"). */
    private static String text(Optional<RowImage> image, String column) {
        return image.map(i -> i.has(column) ? Display.value(i.get(column)) : null).orElse("—");
    }

    private static String tableOf(String rowKey) {
        int space = rowKey.indexOf(' ');
        return space < 0 ? rowKey : rowKey.substring(0, space);
    }

    private static String keyOf(String rowKey) {
        int space = rowKey.indexOf(' ');
        return space < 0 ? "" : rowKey.substring(space + 1);
    }
}
