package dev.converge.node.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.Node;
import dev.converge.backlog.ResyncMark;
import dev.converge.model.NodeId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How a node tells a returning peer that it marked it for resync: every hello answer and heartbeat answer carries
 * {@code "resync"}, the mark ({@code {"since": ISO-8601, "reason": text}}) or JSON null, so the peer records the mark
 * when it is set and forgets it when it is cleared ({@link Node#markedByPeer}). The peer's own unsent ChangeSets are
 * still taken: they ship first, and are applied as any others. Stateless and thread-safe.
 */
final class ResyncNotice {
    static final String FIELD = "resync";

    private ResyncNotice() {
    }

    /** Adds to {@code answer} what {@code node} holds against {@code peer}: its mark, or null. */
    static void add(ObjectNode answer, Node node, NodeId peer) {
        Optional<ResyncMark> mark = node.standings().get(peer).marked();
        if (mark.isEmpty()) {
            answer.putNull(FIELD);
            return;
        }
        answer.putObject(FIELD).put("since", mark.get().since().toString()).put("reason", mark.get().reason());
    }

    /**
     * The mark an answer of {@code peer} to {@code self} carries: present, the mark; JSON null, none (a mark recorded
     * before is cleared); absent (a node of an earlier version), nothing is known — empty outer optional.
     */
    static Optional<Optional<ResyncMark>> read(JsonNode answer, NodeId self, NodeId peer) {
        JsonNode n = answer.get(FIELD);
        if (n == null || n.isMissingNode()) {
            return Optional.empty();
        }
        if (n.isNull()) {
            return Optional.of(Optional.empty());
        }
        try {
            Instant since = Instant.parse(n.path("since").asText());
            return Optional.of(Optional.of(new ResyncMark(self, peer, since, n.path("reason").asText(""))));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // a malformed notice teaches nothing; the next answer says it again
        }
    }
}
