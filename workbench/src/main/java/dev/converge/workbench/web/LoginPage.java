package dev.converge.workbench.web;

import dev.converge.workbench.user.Logins;
import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.workbench.web.session.Sessions;
import dev.converge.workbench.web.session.WebSession;
import dev.converge.workbench.web.view.LoginView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login form, logging in and out. The login form has no session yet, so its CSRF protection is a token in a
 * cookie of its own that the form must repeat (a page of another site can neither read nor set it). A login opens a new
 * session (a fresh id, never one the browser brought) and goes back to the page asked for, if that is a page of this
 * server. The log says who logged in or failed, never a password or a session id. Thread-safe.
 */
final class LoginPage {
    private static final Logger LOG = LoggerFactory.getLogger(LoginPage.class);
    static final String LOGIN_COOKIE = "converge_login";

    private final Logins logins;
    private final Sessions sessions;
    private final Templates templates;
    private final Guard guard;

    LoginPage(Logins logins, Sessions sessions, Templates templates, Guard guard) {
        this.logins = logins;
        this.sessions = sessions;
        this.templates = templates;
        this.guard = guard;
    }

    void form(Context ctx) {
        Guard.headers(ctx);
        show(ctx, 200, safeTarget(ctx.queryParam("then")), "", null);
    }

    void login(Context ctx) {
        Guard.headers(ctx);
        String then = safeTarget(ctx.formParam("then"));
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip();
        String cookie = ctx.cookie(LOGIN_COOKIE);
        String token = ctx.formParam("csrf");
        if (cookie == null || token == null
            || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            show(ctx, 403, then, name, "This login form has expired or did not come from this server. Please try again.");
            return;
        }
        char[] password = Optional.ofNullable(ctx.formParam("password")).orElse("").toCharArray();
        Optional<WorkbenchUser> user;
        try {
            user = logins.check(name, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (user.isEmpty()) {
            LOG.info("workbench login refused for name '{}' from {}", printable(name), ctx.ip());
            show(ctx, 401, then, name, "That name and password do not match a workbench user of this node.");
            return;
        }
        sessions.close(ctx.cookie(Guard.COOKIE)); // a session the browser still held ends: one login, one session
        WebSession s = sessions.open(user.get());
        LOG.info("{} ({}) logged in to the workbench from {}", s.user().name(), s.user().role().word(), ctx.ip());
        ctx.addHeader("Set-Cookie", Guard.COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict" + secure(ctx));
        ctx.addHeader("Set-Cookie", LOGIN_COOKIE + "=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict" + secure(ctx));
        ctx.redirect(then, HttpStatus.SEE_OTHER);
    }

    void logout(Context ctx, WebSession s) {
        sessions.close(s.id());
        LOG.info("{} logged out of the workbench", s.user().name());
        ctx.addHeader("Set-Cookie", Guard.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + secure(ctx));
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void show(Context ctx, int status, String then, String name, String problem) {
        String token = sessions.token();
        ctx.addHeader("Set-Cookie", LOGIN_COOKIE + "=" + token + "; Path=/login; HttpOnly; SameSite=Strict" + secure(ctx));
        templates.page(ctx, status, "login.jte", new LoginView(guard.anonymous("Log in"), then, token, name, problem));
    }

    /** Behind a TLS proxy the cookie must not travel over plain HTTP. */
    private static String secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) || "https".equalsIgnoreCase(ctx.scheme()) ? "; Secure" : "";
    }

    /** Only a path of this server: never another site (an open redirect would lend the login page to phishing). */
    static String safeTarget(String then) {
        if (then == null || !then.startsWith("/") || then.startsWith("//") || then.startsWith("/\\") || then.startsWith("/login")
            || then.chars().anyMatch(c -> c < 0x20)) {
            return "/conflicts";
        }
        return then;
    }

    private static String printable(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
