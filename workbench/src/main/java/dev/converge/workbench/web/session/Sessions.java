package dev.converge.workbench.web.session;

import dev.converge.workbench.user.WorkbenchUser;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workbench's web sessions, in memory (a node restart logs everyone out, which is acceptable for a tool people
 * open when they need it). A session ends after {@link #idle} without a request, after {@link #absolute} whatever
 * happens, or at logout. Ids and CSRF tokens are 256 random bits from {@link SecureRandom}, so they cannot be guessed;
 * nothing else here is cryptography. Thread-safe.
 */
public final class Sessions {
    /** The defaults: a working session survives a coffee break, not a night. */
    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final Duration ABSOLUTE = Duration.ofHours(8);
    /** Beyond this many open sessions the stalest are dropped, so a flood of logins cannot fill the memory. */
    static final int MAX_SESSIONS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> open = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;

    private record Entry(WebSession session, Instant lastUsed) {
    }

    public Sessions(Clock clock, Duration idle, Duration absolute) {
        this.clock = Objects.requireNonNull(clock);
        this.idle = Objects.requireNonNull(idle);
        this.absolute = Objects.requireNonNull(absolute);
    }

    public Sessions() {
        this(Clock.systemUTC(), IDLE, ABSOLUTE);
    }

    /** A new session for a person who just logged in (always a new id: a session id is never reused across logins). */
    public WebSession open(WorkbenchUser user) {
        Instant now = clock.instant();
        if (open.size() >= MAX_SESSIONS) {
            purge(now);
        }
        WebSession s = new WebSession(token(), user, token(), now);
        open.put(s.id(), new Entry(s, now));
        return s;
    }

    /** The live session with this id, marked as used now; empty if unknown, ended or expired (an expired one is removed). */
    public Optional<WebSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Entry e = open.get(id);
        if (e == null) {
            return Optional.empty();
        }
        if (expired(e, now)) {
            open.remove(id, e);
            return Optional.empty();
        }
        open.replace(id, e, new Entry(e.session(), now));
        return Optional.of(e.session());
    }

    /** Ends a session (logout). */
    public void close(String id) {
        if (id != null) {
            open.remove(id);
        }
    }

    /** A fresh random token (also the login form's CSRF token, before a session exists). */
    public String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private boolean expired(Entry e, Instant now) {
        return !now.isBefore(e.lastUsed().plus(idle)) || !now.isBefore(e.session().started().plus(absolute));
    }

    private void purge(Instant now) {
        open.entrySet().removeIf(e -> expired(e.getValue(), now));
        if (open.size() >= MAX_SESSIONS) {
            open.values().stream().min(java.util.Comparator.comparing(Entry::lastUsed))
                .ifPresent(oldest -> open.remove(oldest.session().id()));
        }
    }
}
