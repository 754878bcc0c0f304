package dev.converge.resolvers;

import dev.converge.conflict.Conflict;

/**
 * The one order every node computes alike for writes that are equal by a rule's own measure: the higher node priority,
 * then the greater node id; a row from before replication started (no origin) loses. The same tie rule as
 * {@code timestamp}'s, so that rules agree with each other on ties. Stateless.
 */
final class Ties {
    private Ties() {
    }

    /** Whether the incoming write wins a tie. */
    static boolean remoteWins(Conflict c) {
        if (c.localOrigin().isEmpty()) {
            return true;
        }
        if (c.remotePriority() != c.localPriority()) {
            return c.remotePriority() > c.localPriority();
        }
        return c.remoteOrigin().compareTo(c.localOrigin().get()) > 0;
    }

    /** {@code remote > local} by timestamp: positive if the incoming write is later, 0 on an exact tie. */
    static int byTimestamp(Conflict c) {
        return c.remoteTimestamp().compareTo(c.localTimestamp());
    }
}
