package dev.converge.workbench.web;

import dev.converge.Node;
import dev.converge.workbench.user.Logins;
import dev.converge.workbench.web.dashboard.PeerSummary;
import dev.converge.workbench.web.session.Sessions;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The workbench's web pages, server-rendered HTML without scripts:
 *
 * <ul>
 *   <li>{@code GET /login}, {@code POST /login}, {@code POST /logout} — {@link LoginPage};</li>
 *   <li>{@code GET /} and {@code GET /conflicts} — the list ({@link ListPage});</li>
 *   <li>{@code GET /conflicts/{id}} — one conflict ({@link DetailPage});</li>
 *   <li>{@code POST /conflicts/{id}/decision}, {@code GET /conflicts/{id}/merge}, {@code POST /conflicts/{id}/merge/preview},
 *       {@code POST /conflicts/{id}/merge} — decisions ({@link DecisionForms});</li>
 *   <li>{@code GET /bulk}, {@code POST /bulk} — one rule for every conflict a filter matches ({@link BulkPage});</li>
 *   <li>{@code GET /dashboard} — peers and conflicts over time ({@link DashboardPage});</li>
 *   <li>{@code GET /workbench.css} — the one stylesheet.</li>
 * </ul>
 *
 * Every page but the login and the stylesheet needs a login; every POST needs the session's CSRF token; decisions need
 * the resolver role ({@link Guard}). Thread-safe; the routes may be added to one server only.
 */
public final class WebPages {
    private final Node node;
    private final Logins logins;
    private final Supplier<List<PeerSummary>> peers;
    private final Sessions sessions;
    private final Clock clock;

    /**
     * @param peers the node's peers as its links see them now (for the dashboard); called on each dashboard request
     * @param sessions where the web sessions live (tests give one with a fake clock)
     */
    public WebPages(Node node, Logins logins, Supplier<List<PeerSummary>> peers, Sessions sessions, Clock clock) {
        this.node = Objects.requireNonNull(node);
        this.logins = Objects.requireNonNull(logins);
        this.peers = Objects.requireNonNull(peers);
        this.sessions = Objects.requireNonNull(sessions);
        this.clock = Objects.requireNonNull(clock);
    }

    public void routes(JavalinConfig config) {
        Templates templates = new Templates();
        Guard guard = new Guard(sessions, templates, node.id().value());
        LoginPage login = new LoginPage(logins, sessions, templates, guard);
        ListPage list = new ListPage(node, templates, guard);
        DetailPage detail = new DetailPage(node, templates, guard);
        DecisionForms decisions = new DecisionForms(node, templates, guard, detail);
        BulkPage bulk = new BulkPage(node, templates, guard);
        DashboardPage dashboard = new DashboardPage(node, peers, templates, guard, clock);
        byte[] css = resource("workbench.css");

        config.routes.get("/workbench.css", ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Cache-Control", "max-age=300");
            ctx.contentType("text/css; charset=utf-8").result(css);
        });
        config.routes.get("/login", login::form);
        config.routes.post("/login", login::login);
        config.routes.post("/logout", guard.change(false, (ctx, s) -> login.logout(ctx, s)));
        config.routes.get("/", guard.view((ctx, s) -> ctx.redirect("/conflicts", HttpStatus.SEE_OTHER)));
        config.routes.get("/conflicts", guard.view(list::show));
        config.routes.get("/conflicts/{id}", guard.view(detail::show));
        config.routes.post("/conflicts/{id}/decision", guard.change(true, decisions::decide));
        config.routes.get("/conflicts/{id}/merge", guard.view((ctx, s) -> {
            if (!s.canResolve()) {
                ctx.redirect("/conflicts/" + ctx.pathParam("id"), HttpStatus.SEE_OTHER); // a viewer sees the conflict, not the form
                return;
            }
            decisions.mergeForm(ctx, s);
        }));
        config.routes.post("/conflicts/{id}/merge/preview", guard.change(true, decisions::preview));
        config.routes.post("/conflicts/{id}/merge", guard.change(true, decisions::merge));
        config.routes.get("/bulk", guard.view(bulk::confirm));
        config.routes.post("/bulk", guard.change(true, bulk::decideAll));
        config.routes.get("/dashboard", guard.view(dashboard::show));
    }

    /** The conflict id of a {@code /conflicts/{id}...} path; empty if it is not a number. */
    static Optional<Long> id(Context ctx) {
        try {
            return Optional.of(Long.parseLong(ctx.pathParam("id")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebPages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the workbench's " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
