package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.model.NodeId;
import org.junit.jupiter.api.Test;

/** The receiving side's sessions: counters only go up, sessions are bounded per peer, and nothing needs a clock. */
class PeerSessionsTest {
    private static final NodeId A = NodeId.of("a");

    @Test
    void aCounterMustRiseWithinASession() {
        Sessions sessions = new Sessions(4);
        String s = sessions.open(A);
        sessions.advance(A, s, 1);
        sessions.advance(A, s, 5); // gaps are fine: a request may have been lost
        assertEquals("replayed", assertThrows(Refusal.class, () -> sessions.advance(A, s, 5)).reason());
        assertEquals("replayed", assertThrows(Refusal.class, () -> sessions.advance(A, s, 2)).reason());
        assertDoesNotThrow(() -> sessions.advance(A, s, 6));
    }

    @Test
    void aSessionBelongsToItsPeerAndUnknownOnesAreNamedSo() {
        Sessions sessions = new Sessions(4);
        String s = sessions.open(A);
        Refusal r = assertThrows(Refusal.class, () -> sessions.advance(NodeId.of("b"), s, 1));
        assertEquals(401, r.status());
        assertEquals("unknown-session", r.reason());
    }

    @Test
    void theOldestSessionGoesWhenAPeerOpensTooMany() {
        Sessions sessions = new Sessions(2);
        String first = sessions.open(A);
        String second = sessions.open(A);
        String third = sessions.open(A);
        assertNotEquals(second, third);
        assertEquals("unknown-session", assertThrows(Refusal.class, () -> sessions.advance(A, first, 1)).reason());
        assertDoesNotThrow(() -> sessions.advance(A, second, 1));
        assertDoesNotThrow(() -> sessions.advance(A, third, 1));
    }
}
