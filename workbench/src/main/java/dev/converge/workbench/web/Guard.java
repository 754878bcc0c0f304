package dev.converge.workbench.web;

import dev.converge.workbench.web.session.Sessions;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.Frame;
import dev.converge.workbench.web.view.Link;
import dev.converge.workbench.web.view.MessageView;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every workbench page goes through before its own work: the security headers, the session (no page without a
 * login: a GET without one goes to the login page and comes back after it), and for a POST — anything that changes
 * something — the session's CSRF token in the form and, where the page decides, the resolver role. A refused POST
 * answers 403 and runs nothing. Thread-safe.
 */
final class Guard {
    static final String COOKIE = "converge_session";
    /** No script at all, styles only from the workbench's own stylesheet, no framing, forms only to this server. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** A page's own work, for a request that passed the guard. */
    interface Page {
        void serve(Context ctx, WebSession session) throws Exception;
    }

    private final Sessions sessions;
    private final Templates templates;
    private final String node;

    Guard(Sessions sessions, Templates templates, String node) {
        this.sessions = sessions;
        this.templates = templates;
        this.node = node;
    }

    /** Security headers for any workbench answer, the login page's included. */
    static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
    }

    /** A page to look at: needs a login. */
    Handler view(Page page) {
        return ctx -> {
            headers(ctx);
            WebSession s = session(ctx);
            if (s == null) {
                String then = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                ctx.redirect("/login?then=" + URLEncoder.encode(then, StandardCharsets.UTF_8), io.javalin.http.HttpStatus.SEE_OTHER);
                return;
            }
            page.serve(ctx, s);
        };
    }

    /** A form that changes something: a login, the session's CSRF token, and the resolver role if {@code decides}. */
    Handler change(boolean decides, Page page) {
        return ctx -> {
            headers(ctx);
            WebSession s = session(ctx);
            if (s == null) {
                refuse(ctx, null, "Your session has ended", "Log in again, then repeat what you were doing; nothing was changed.");
                return;
            }
            if (!s.acceptsCsrf(ctx.formParam("csrf"))) {
                // a form from another site, or one kept from an earlier session: refuse before reading anything else
                refuse(ctx, s, "This form cannot be accepted", "It did not carry this session's security token (it may come from "
                    + "another web site, or from a page opened before you last logged in). Nothing was changed.");
                return;
            }
            if (decides && !s.canResolve()) {
                refuse(ctx, s, "Not allowed", "User " + s.user().name() + " is a viewer: viewers can look at conflicts, only "
                    + "resolvers can decide them. Nothing was changed.");
                return;
            }
            page.serve(ctx, s);
        };
    }

    Frame frame(WebSession s, String title, String section) {
        return new Frame(title, node, s.user().name(), s.user().role().word(), s.csrfToken(), section);
    }

    Frame anonymous(String title) {
        return new Frame(title, node, null, null, null, "login");
    }

    private void refuse(Context ctx, WebSession s, String heading, String message) {
        Frame frame = s == null ? anonymous(heading) : frame(s, heading, "");
        Link back = s == null ? new Link("Log in", "/login", false) : new Link("Back to the conflicts", "/conflicts", false);
        templates.page(ctx, 403, "message.jte", new MessageView(frame, heading, message, List.of(), "refused", back));
    }

    private WebSession session(Context ctx) {
        return sessions.find(ctx.cookie(COOKIE)).orElse(null);
    }
}
