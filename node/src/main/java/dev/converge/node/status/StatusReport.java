package dev.converge.node.status;

import dev.converge.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link NodeStatus} as lines a person reads, one per fact: what waits for each peer and since when, what was
 * applied from each origin, what waits here. Ages are measured on the injected clock. Stateless and thread-safe.
 */
public final class StatusReport {
    private final Clock clock;

    public StatusReport(Clock clock) {
        this.clock = clock;
    }

    public List<String> lines(NodeStatus status, String source) {
        List<String> lines = new ArrayList<>();
        lines.add("node " + status.node() + " (from " + source + ")");
        for (NodeStatus.PeerBacklog peer : status.peers()) {
            lines.add(peer(peer));
            standing(status.node(), peer).forEach(l -> lines.add("  " + l));
        }
        if (status.notYetSequenced() > 0) {
            lines.add("captured, not yet sequenced: " + status.notYetSequenced()
                + " transactions (they become ChangeSets for every peer when the node runs)");
        }
        lines.add("applied here: " + (status.applied().isEmpty() ? "nothing yet" : status.applied().stream()
            .map(w -> w.origin() + " up to " + w.sequence() + " (latest " + time(w.latest()) + ")")
            .collect(Collectors.joining(", "))));
        lines.add("held back: " + status.heldBack() + " ChangeSets received and waiting for their dependencies");
        lines.add("conflicts to review: " + status.conflictsToReview());
        return lines;
    }

    private String peer(NodeStatus.PeerBacklog peer) {
        String acked = "acknowledged up to " + peer.acknowledged();
        if (peer.changeSetsWaiting() == 0) {
            return "peer " + peer.peer() + ": nothing waiting (" + acked + ")";
        }
        String oldest = peer.oldestWaiting().map(t -> ", oldest from " + time(t) + " (" + age(t) + " ago)").orElse("");
        return "peer " + peer.peer() + ": " + peer.changeSetsWaiting() + " ChangeSets (" + rows(peer.rowsWaiting()) + ") waiting" + oldest
            + " (" + acked + ")";
    }

    /** The advice about a peer's standing (resync marks either way, removal), one line each; none for most peers. */
    private static List<String> standing(dev.converge.model.NodeId self, NodeStatus.PeerBacklog peer) {
        List<String> out = new ArrayList<>();
        peer.standing().marked().ifPresent(m -> out.add(m.advice()));
        peer.standing().markedByPeer().ifPresent(m -> out.add(peer.peer() + " says: " + m.advice()));
        peer.standing().departed().ifPresent(t -> out.add(dev.converge.backlog.PeerStanding.departedAdvice(self, peer.peer(), t)));
        return out;
    }

    static String rows(long n) {
        return n + (n == 1 ? " row" : " rows");
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private String age(Instant t) {
        Duration d = Duration.between(t, clock.instant());
        if (d.isNegative()) {
            return "0s";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return s / 60 + "m";
        }
        if (s < 172_800) {
            return s / 3600 + "h";
        }
        return s / 86_400 + "d";
    }
}
