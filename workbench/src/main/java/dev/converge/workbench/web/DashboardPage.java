package dev.converge.workbench.web;

import dev.converge.Node;
import dev.converge.conflict.ConflictCount;
import dev.converge.conflict.ConflictStatus;
import dev.converge.workbench.web.dashboard.ConflictChart;
import dev.converge.workbench.web.dashboard.PeerSummary;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.DashboardView;
import dev.converge.workbench.web.view.Fact;
import dev.converge.workbench.web.view.Link;
import dev.converge.workbench.web.view.PeerRow;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard: each peer's reachability, queue (ChangeSets it has not acknowledged) and lag (how long the oldest has
 * waited), the conflicts per status, and conflicts over time per table as an SVG chart ({@code Node.conflictsOverTime}).
 * Thread-safe if the peer supplier is.
 */
final class DashboardPage {
    /** The chart's ranges: a word for the link, the bucket, how many buckets. */
    private record Range(String word, String text, ChronoUnit unit, int count) {
    }

    private static final List<Range> RANGES = List.of(new Range("24h", "last 24 hours", ChronoUnit.HOURS, 24),
        new Range("7d", "last 7 days", ChronoUnit.DAYS, 7), new Range("30d", "last 30 days", ChronoUnit.DAYS, 30));

    private final Node node;
    private final Supplier<List<PeerSummary>> peers;
    private final Templates templates;
    private final Guard guard;
    private final Clock clock;

    DashboardPage(Node node, Supplier<List<PeerSummary>> peers, Templates templates, Guard guard, Clock clock) {
        this.node = node;
        this.peers = peers;
        this.templates = templates;
        this.guard = guard;
        this.clock = clock;
    }

    void show(Context ctx, WebSession s) {
        String asked = ctx.queryParam("range");
        Range range = RANGES.stream().filter(r -> r.word().equals(asked)).findFirst().orElse(RANGES.get(0));
        Instant now = clock.instant();
        Instant from = now.truncatedTo(range.unit()).minus(range.count() - 1L, range.unit());
        var chart = ConflictChart.of(node.conflictsOverTime(from, now.truncatedTo(range.unit()).plus(1, range.unit()), range.unit()), now,
            range.unit(), range.count());
        List<Link> ranges = RANGES.stream().map(r -> new Link(r.text(), "/dashboard?range=" + r.word(), r == range)).toList();
        List<PeerSummary> known = peers.get();
        templates.page(ctx, 200, "dashboard.jte", new DashboardView(guard.frame(s, "Dashboard", "dashboard"),
            known.stream().map(DashboardPage::row).toList(), chart, ranges, totals(), !known.isEmpty() || node.peers().isEmpty()));
    }

    private List<Fact> totals() {
        Map<ConflictStatus, Long> by = new EnumMap<>(ConflictStatus.class);
        for (ConflictCount c : node.conflictCounts()) {
            by.merge(c.status(), c.count(), Long::sum);
        }
        List<Fact> out = new ArrayList<>();
        for (ConflictStatus st : List.of(ConflictStatus.NEEDS_REVIEW, ConflictStatus.AUTO_RESOLVED, ConflictStatus.RESOLVED_BY_HAND)) {
            out.add(new Fact(Display.status(st), Long.toString(by.getOrDefault(st, 0L)), "/conflicts?status=" + st.word()));
        }
        return out;
    }

    static PeerRow row(PeerSummary p) {
        String reach = p.reachable().map(r -> r ? "Reachable" : "Not reachable").orElse("Not tried yet");
        String reachClass = p.reachable().map(r -> r ? "ok" : "bad").orElse("unknown");
        String queue = p.waiting() == 0 ? "nothing waiting" : p.waiting() + (p.waiting() == 1 ? " ChangeSet waiting" : " ChangeSets waiting");
        String lag = p.lag().map(DashboardPage::duration).orElse("none");
        return new PeerRow(p.id(), p.url(), reach, reachClass, queue, lag, p.lastError().orElse(""));
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
