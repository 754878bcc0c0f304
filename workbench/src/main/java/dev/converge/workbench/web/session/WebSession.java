package dev.converge.workbench.web.session;

import dev.converge.workbench.user.WorkbenchUser;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in person's session: its id (the cookie's value), who, the token every form of the session carries
 * ({@link #acceptsCsrf}), and when it began. Immutable; {@link Sessions} keeps when it was last used.
 *
 * <p>{@link #toString} names the user only: the id and the token are secrets and must never reach a log.
 */
public record WebSession(String id, WorkbenchUser user, String csrfToken, Instant started) {
    public WebSession {
        Objects.requireNonNull(id);
        Objects.requireNonNull(user);
        Objects.requireNonNull(csrfToken);
        Objects.requireNonNull(started);
    }

    /** Whether a form's token is this session's (compared in constant time; null is never accepted). */
    public boolean acceptsCsrf(String token) {
        return token != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether this person may decide conflicts. */
    public boolean canResolve() {
        return user.role() == WorkbenchUser.Role.RESOLVER;
    }

    @Override
    public String toString() {
        return "session of " + user.name();
    }
}
