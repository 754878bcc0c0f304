package dev.converge.backlog;

import dev.converge.model.NodeId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A peer marked for resync: {@code markedBy} stopped keeping anything for {@code peer}, because it stayed away past
 * {@code markedBy}'s backlog limit, so {@code peer} must reload its data from a snapshot of {@code markedBy}. The same
 * value on both sides: the marking node keeps it in {@code cv_peer}, the marked one records it when told (in a hello or
 * a heartbeat's answer). Immutable.
 *
 * @param peer the node marked
 * @param markedBy the node that marked it
 * @param since when it was marked (by {@code markedBy}'s clock)
 * @param reason why, as a clause: {@code it was away longer than max_backlog_age=2h}
 */
public record ResyncMark(NodeId peer, NodeId markedBy, Instant since, String reason) {
    public ResyncMark {
        Objects.requireNonNull(peer);
        Objects.requireNonNull(markedBy);
        Objects.requireNonNull(reason);
        since = since.truncatedTo(ChronoUnit.SECONDS); // as it is shown; the database keeps milliseconds
    }

    /** The command that repairs it, run on the marked node: {@code converge resync --from A}. */
    public String command() {
        return "converge resync --from " + markedBy;
    }

    /**
     * What a person reads in {@code converge status} on either side:
     * {@code peer C is marked for resync since 2026-12-02T10:00:00Z: it was away longer than max_backlog_age=2h; on C
     * run `converge resync --from A`}.
     */
    public String advice() {
        return "peer " + peer + " is marked for resync since " + since + ": " + reason + "; on " + peer + " run `" + command() + "`";
    }
}
