package dev.converge.conflict;

/**
 * Latest timestamp wins. Exact ties go to the higher node priority, then to the greater node id; a row that was
 * there before replication started (no origin) loses an exact tie. Hybrid timestamps make "latest" respect causality:
 * a write that saw another always carries a later timestamp, whatever its node's wall clock says.
 *
 * <p>Stateless; thread-safe.
 */
public final class TimestampResolver implements ConflictResolver {
    public static final String NAME = "timestamp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(Conflict c) {
        return remoteWins(c) ? Resolution.APPLY_REMOTE : Resolution.KEEP_LOCAL;
    }

    /** The total order every node computes alike: timestamp, then priority, then node id. */
    static boolean remoteWins(Conflict c) {
        int byTime = c.remoteTimestamp().compareTo(c.localTimestamp());
        if (byTime != 0) {
            return byTime > 0;
        }
        if (c.localOrigin().isEmpty()) {
            return true;
        }
        if (c.remotePriority() != c.localPriority()) {
            return c.remotePriority() > c.localPriority();
        }
        return c.remoteOrigin().compareTo(c.localOrigin().get()) > 0;
    }
}
