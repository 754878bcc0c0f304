package dev.converge.node.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.Node;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import dev.converge.node.peer.PeerQuestions;
import dev.converge.resync.SnapshotSource;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node's answers to a peer that resyncs from it (questions with a {@code resync} field): {@code open} opens a
 * snapshot for that peer and answers its header; {@code rows}, {@code tombstones}, {@code known} and {@code inbox} read
 * pages of it; {@code close} ends it, and with {@code loaded: true} counts everything of this node's own through the
 * snapshot's sequence as acknowledged by the peer (it holds it now). One snapshot per peer at a time: opening another
 * closes the first. A snapshot idle for {@link #IDLE_MILLIS} is closed, so a resync that died does not keep the
 * database's old row versions forever.
 *
 * <p>Thread-safe: Jetty answers on many threads; each snapshot reads one page at a time.
 */
public final class SnapshotAnswers implements PeerQuestions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAnswers.class);
    static final long IDLE_MILLIS = 10 * 60_000;

    private final Node node;
    private final Map<NodeId, Open> open = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private static final class Open {
        final String id;
        final SnapshotSource source;
        volatile long used = System.currentTimeMillis();

        Open(String id, SnapshotSource source) {
            this.id = id;
            this.source = source;
        }
    }

    public SnapshotAnswers(Node node) {
        this.node = node;
    }

    /** Whether {@code question} is a resync question (the others go to the check's answers). */
    public static boolean asks(JsonNode question) {
        return question.has("resync");
    }

    @Override
    public JsonNode answer(NodeId asker, JsonNode question) {
        closeIdle();
        String kind = question.path("resync").asText("");
        switch (kind) {
            case "open":
                return open(asker);
            case "close":
                return close(asker, question);
            case "rows":
            case "tombstones":
            case "known":
            case "inbox":
                return read(asker, kind, question);
            default:
                throw new UnknownQuestion("no such resync question: '" + kind + "'");
        }
    }

    private JsonNode open(NodeId asker) {
        Optional.ofNullable(open.remove(asker)).ifPresent(o -> o.source.close());
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SnapshotSource source = node.openSnapshot();
        open.put(asker, new Open(id, source));
        takeBackIfMarked(asker, source.header().sequence());
        LOG.info("{} resyncs from this node: snapshot opened at sequence {}", asker, source.header().sequence());
        ObjectNode answer = ChangeSetCodec.mapper().createObjectNode().put("snapshot", id);
        answer.set("header", SnapshotWire.header(source.header()));
        return answer;
    }

    private JsonNode read(NodeId asker, String kind, JsonNode q) {
        Open o = find(asker, q);
        o.used = System.currentTimeMillis();
        SnapshotSource s = o.source;
        switch (kind) {
            case "rows":
                return SnapshotWire.page(s.rows(SnapshotWire.text(q, "table"), SnapshotWire.optionalKey(q, "after"), SnapshotWire.limit(q)));
            case "tombstones":
                return SnapshotWire.page(s.tombstones(SnapshotWire.text(q, "table"), SnapshotWire.optionalKey(q, "after"), SnapshotWire.limit(q)));
            case "known": {
                List<RowKey> keys = new ArrayList<>();
                q.path("keys").forEach(k -> keys.add(SnapshotWire.key(k)));
                if (keys.size() > 5_000) {
                    throw new IllegalArgumentException("at most 5000 keys per question");
                }
                ObjectNode answer = ChangeSetCodec.mapper().createObjectNode();
                ArrayNode known = answer.putArray("keys");
                s.known(SnapshotWire.text(q, "table"), keys).forEach(k -> known.add(SnapshotWire.key(k)));
                return answer;
            }
            default: {
                Optional<NodeId> origin = q.hasNonNull("origin") ? Optional.of(NodeId.of(SnapshotWire.text(q, "origin"))) : Optional.empty();
                List<ChangeSet> page = s.inbox(origin, q.path("sequence").asLong(0), SnapshotWire.limit(q));
                ObjectNode answer = ChangeSetCodec.mapper().createObjectNode();
                ArrayNode list = answer.putArray("changesets");
                for (ChangeSet cs : page) {
                    try {
                        list.add(ChangeSetCodec.mapper().readTree(ChangeSetCodec.toJson(cs)));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("a stored ChangeSet does not read back: " + e.getMessage(), e);
                    }
                }
                return answer;
            }
        }
    }

    private JsonNode close(NodeId asker, JsonNode q) {
        Open o = find(asker, q);
        open.remove(asker, o);
        long sequence = o.source.header().sequence();
        o.source.close();
        if (q.path("loaded").asBoolean(false)) {
            node.acknowledge(asker, sequence); // the peer holds all of ours through the snapshot: nothing of that to send
            LOG.info("{} loaded this node's snapshot through sequence {}", asker, sequence);
        } else {
            LOG.info("{} closed its snapshot without loading it", asker);
        }
        return ChangeSetCodec.mapper().createObjectNode().put("closed", true);
    }

    /**
     * A peer this node had marked for resync is taken back as the snapshot opens ({@link Node#resynced}): its mark goes,
     * and what it has acknowledged is set to the snapshot's sequence, so that nothing after it is trimmed while the peer
     * loads (taken back only at the end, ChangeSets after the sequence could be gone by then). A load that dies leaves
     * an ordinary backlog, marked again once past the limit.
     */
    private void takeBackIfMarked(NodeId asker, long sequence) {
        if (node.standings().get(asker).marked().isPresent()) {
            node.resynced(asker, sequence);
        }
    }

    private Open find(NodeId asker, JsonNode q) {
        String id = SnapshotWire.text(q, "snapshot");
        Open o = open.get(asker);
        if (o == null || !o.id.equals(id)) {
            throw new IllegalArgumentException("no open snapshot " + id + " for " + asker
                + " (closed after " + IDLE_MILLIS / 60_000 + " minutes idle, or another was opened since): start the resync again");
        }
        return o;
    }

    private void closeIdle() {
        long now = System.currentTimeMillis();
        open.forEach((peer, o) -> {
            if (now - o.used > IDLE_MILLIS && open.remove(peer, o)) {
                o.source.close();
                LOG.warn("the snapshot {} opened for {} was idle for {} minutes: closed", o.id, peer, IDLE_MILLIS / 60_000);
            }
        });
    }

    /** Closes every open snapshot (the node stops). */
    @Override
    public void close() {
        open.values().forEach(o -> o.source.close());
        open.clear();
    }
}
