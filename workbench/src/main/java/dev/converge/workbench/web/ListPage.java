package dev.converge.workbench.web;

import dev.converge.Node;
import dev.converge.conflict.ConflictPage;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictSort;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.config.TableRules;
import dev.converge.model.NodeId;
import dev.converge.workbench.api.ConflictFilter;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.Choice;
import dev.converge.workbench.web.view.ConflictRow;
import dev.converge.workbench.web.view.Hidden;
import dev.converge.workbench.web.view.Link;
import dev.converge.workbench.web.view.ListView;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The conflict list: status tabs with counts, filters, a sort, keyset pages ({@code Node.conflicts(query, after,
 * limit)}), every conflict including those resolved automatically. Thread-safe.
 */
final class ListPage {
    static final int PAGE_SIZE = 50;

    private final Node node;
    private final Templates templates;
    private final Guard guard;

    ListPage(Node node, Templates templates, Guard guard) {
        this.node = node;
        this.templates = templates;
        this.guard = guard;
    }

    void show(Context ctx, WebSession s) {
        ListFilter filter = ListFilter.from(ctx::queryParam);
        String after = ctx.queryParam("after");
        ConflictFilter f;
        try {
            f = filter.query(after, PAGE_SIZE);
        } catch (IllegalArgumentException e) {
            // ConflictFilter only reads the parameters, and says what one should have been; nothing was read
            String problem = "The filter could not be used: " + e.getMessage();
            ConflictPage none = new ConflictPage(List.of(), Optional.empty(), 0, java.util.Map.of());
            templates.page(ctx, 400, "list.jte", view(s, filter, none, after, problem));
            return;
        }
        ConflictPage page = node.conflicts(f.query(), f.after(), f.limit());
        String problem = null;
        templates.page(ctx, problem == null ? 200 : 400, "list.jte", view(s, filter, page, after, problem));
    }

    private ListView view(WebSession s, ListFilter filter, ConflictPage page, String after, String problem) {
        List<Link> tabs = new ArrayList<>();
        long all = page.byStatus().values().stream().mapToLong(Long::longValue).sum();
        tabs.add(new Link("All (" + all + ")", filter.with("status", "").listLink(), filter.get("status").isEmpty()));
        for (ConflictStatus st : List.of(ConflictStatus.NEEDS_REVIEW, ConflictStatus.AUTO_RESOLVED, ConflictStatus.RESOLVED_BY_HAND)) {
            tabs.add(new Link(Display.status(st) + " (" + page.byStatus().getOrDefault(st, 0L) + ")",
                "/conflicts?" + filter.with("status", st.word()).queryString(), filter.get("status").equals(st.word())));
        }
        List<ConflictRow> rows = page.records().stream().map(ListPage::row).toList();
        Link first = new Link("First page", filter.listLink(), after == null);
        Link next = page.next().map(n -> new Link("Next page", filter.listLink("after", Long.toString(n)), false)).orElse(null);
        List<Hidden> hidden = filter.values().entrySet().stream().map(e -> new Hidden(e.getKey(), e.getValue())).toList();
        return new ListView(guard.frame(s, "Conflicts", "conflicts"), tabs, rows, tables(filter), types(filter), origins(filter),
            sorts(filter), filter.get("status"), filter.get("key"), filter.get("from"), filter.get("until"), page.matching(), first, next,
            problem, s.canResolve(), hidden, filter.narrows());
    }

    static ConflictRow row(ConflictRecord r) {
        String origins = r.remoteOrigin().value() + " → " + r.detectedAt().value()
            + r.localOrigin().filter(o -> !o.equals(r.detectedAt())).map(o -> " (local write from " + o.value() + ")").orElse("");
        return new ConflictRow(r.id(), "/conflicts/" + r.id(), Display.shortTime(r.detectedTime()), r.table(),
            r.key().map(Display::key).orElse("whole transaction " + r.changeSet()), Display.type(r.type()), Display.typeNote(r.type()),
            Display.outcome(r.outcome()), Display.status(r.status()), Display.statusClass(r.status()), origins,
            r.decision().map(d -> d.who()).orElse(""));
    }

    private List<Choice> tables(ListFilter f) {
        List<Choice> out = new ArrayList<>();
        out.add(new Choice("", "any table", f.get("table").isEmpty()));
        // as the database spells them, which is how conflict records name their table (H2 spells unquoted names in capitals)
        node.replicationRules().stream().map(TableRules::table).forEach(t -> out.add(new Choice(t, t, t.equals(f.get("table")))));
        return out;
    }

    private static List<Choice> types(ListFilter f) {
        List<Choice> out = new ArrayList<>();
        out.add(new Choice("", "any kind", f.get("type").isEmpty()));
        for (ConflictType t : ConflictType.values()) {
            out.add(new Choice(t.word(), Display.type(t), t.word().equals(f.get("type"))));
        }
        return out;
    }

    private List<Choice> origins(ListFilter f) {
        List<Choice> out = new ArrayList<>();
        out.add(new Choice("", "any node", f.get("origin").isEmpty()));
        List<NodeId> nodes = new ArrayList<>(List.of(node.id()));
        nodes.addAll(node.peers());
        nodes.forEach(n -> out.add(new Choice(n.value(), n.value() + (n.equals(node.id()) ? " (this node)" : ""), n.value().equals(f.get("origin")))));
        return out;
    }

    private static List<Choice> sorts(ListFilter f) {
        String sort = f.get("sort").isEmpty() ? ConflictSort.NEWEST.word() : f.get("sort");
        return List.of(new Choice("newest", "newest first", sort.equals("newest")), new Choice("oldest", "oldest first", sort.equals("oldest")),
            new Choice("table", "by table", sort.equals("table")), new Choice("type", "by kind", sort.equals("type")));
    }
}
