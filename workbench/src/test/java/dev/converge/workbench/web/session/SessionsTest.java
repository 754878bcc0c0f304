package dev.converge.workbench.web.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions end when idle too long, when too old whatever happens, and at logout; ids and tokens never repeat. */
class SessionsTest {
    static final WorkbenchUser ANA = new WorkbenchUser("ana", WorkbenchUser.Role.RESOLVER,
        PasswordHash.parse("pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

    /** A clock a test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-02T09:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void plus(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void aSessionEndsAfterItsIdleTime() {
        ManualClock clock = new ManualClock();
        Sessions sessions = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(8));
        WebSession s = sessions.open(ANA);
        clock.plus(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent(), "Used within 30 minutes, it lives.");
        clock.plus(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent(), "Each use restarts the idle time.");
        clock.plus(Duration.ofMinutes(30));
        assertEquals(Optional.empty(), sessions.find(s.id()), "30 minutes without a request end it.");
    }

    @Test
    void aSessionEndsAfterItsAbsoluteTimeEvenWhenUsed() {
        ManualClock clock = new ManualClock();
        Sessions sessions = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(8));
        WebSession s = sessions.open(ANA);
        for (int i = 0; i < 31; i++) {
            clock.plus(Duration.ofMinutes(15));
            assertTrue(sessions.find(s.id()).isPresent(), "Within 8 hours and in use, it lives (" + i + ").");
        }
        clock.plus(Duration.ofMinutes(15));
        assertEquals(Optional.empty(), sessions.find(s.id()), "After 8 hours it ends, however busy.");
    }

    @Test
    void logoutEndsItAndIdsAndTokensAreFreshRandomValues() {
        Sessions sessions = new Sessions();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            WebSession s = sessions.open(ANA);
            assertTrue(seen.add(s.id()) && seen.add(s.csrfToken()), "Never the same id or token twice.");
            assertTrue(s.id().length() >= 43, "256 bits, base64url: " + s.id().length());
        }
        WebSession s = sessions.open(ANA);
        assertTrue(s.acceptsCsrf(s.csrfToken()));
        assertFalse(s.acceptsCsrf(null), "No token is never accepted.");
        assertFalse(s.acceptsCsrf(s.id()), "The session id is not the token.");
        assertFalse(s.toString().contains(s.id()) || s.toString().contains(s.csrfToken()), "Secrets stay out of toString (and logs).");
        sessions.close(s.id());
        assertEquals(Optional.empty(), sessions.find(s.id()), "Logged out, the session is gone.");
        assertEquals(Optional.empty(), sessions.find(null));
        assertNotEquals(sessions.token(), sessions.token());
    }
}
