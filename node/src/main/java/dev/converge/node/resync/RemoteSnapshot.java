package dev.converge.node.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import dev.converge.node.peer.HttpTransport;
import dev.converge.resync.SnapshotFeed;
import dev.converge.resync.SnapshotHeader;
import dev.converge.resync.SnapshotPage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A peer's snapshot read over the authenticated peer link ({@link SnapshotAnswers} at the other end): opened when
 * made, read a page per question, closed with {@link #close(boolean)}. Confined to one thread; every call blocks on the
 * network.
 *
 * @throws dev.converge.transport.PeerUnavailableException from any call if the peer cannot be reached
 * @throws dev.converge.node.peer.PeerRefusedException if the peer refuses (its rules differ, the snapshot expired)
 */
public final class RemoteSnapshot implements SnapshotFeed {
    private final HttpTransport transport;
    private final NodeId peer;
    private final String id;
    private final SnapshotHeader header;

    public RemoteSnapshot(HttpTransport transport, NodeId peer) {
        this.transport = transport;
        this.peer = peer;
        JsonNode opened = transport.ask(peer, SnapshotWire.question("open", null));
        this.id = SnapshotWire.text(opened, "snapshot");
        this.header = SnapshotWire.header(opened.path("header"));
        if (!header.source().equals(peer)) {
            throw new IllegalArgumentException("the snapshot of " + peer + " says it comes from " + header.source());
        }
    }

    @Override
    public SnapshotHeader header() {
        return header;
    }

    @Override
    public SnapshotPage rows(String table, Optional<RowKey> after, int limit) {
        return page("rows", table, after, limit);
    }

    @Override
    public SnapshotPage tombstones(String table, Optional<RowKey> after, int limit) {
        return page("tombstones", table, after, limit);
    }

    private SnapshotPage page(String kind, String table, Optional<RowKey> after, int limit) {
        ObjectNode q = SnapshotWire.question(kind, id).put("table", table).put("limit", Math.min(limit, SnapshotWire.PAGE));
        after.ifPresent(k -> q.set("after", SnapshotWire.key(k)));
        return SnapshotWire.page(transport.ask(peer, q));
    }

    @Override
    public Set<RowKey> known(String table, List<RowKey> keys) {
        Set<RowKey> out = new HashSet<>();
        for (int from = 0; from < keys.size(); from += SnapshotWire.PAGE) {
            ObjectNode q = SnapshotWire.question("known", id).put("table", table);
            ArrayNode list = q.putArray("keys");
            keys.subList(from, Math.min(keys.size(), from + SnapshotWire.PAGE)).forEach(k -> list.add(SnapshotWire.key(k)));
            transport.ask(peer, q).path("keys").forEach(k -> out.add(SnapshotWire.key(k)));
        }
        return out;
    }

    @Override
    public List<ChangeSet> inbox(Optional<NodeId> afterOrigin, long afterSequence, int limit) {
        ObjectNode q = SnapshotWire.question("inbox", id).put("sequence", afterSequence).put("limit", Math.min(limit, SnapshotWire.PAGE));
        afterOrigin.ifPresent(o -> q.put("origin", o.value()));
        List<ChangeSet> out = new ArrayList<>();
        transport.ask(peer, q).path("changesets").forEach(cs -> out.add(ChangeSetCodec.fromTree(cs)));
        return out;
    }

    /** Ends the snapshot at the peer; {@code loaded} tells it that this node now holds it (see {@link SnapshotAnswers}). */
    public void close(boolean loaded) {
        transport.ask(peer, SnapshotWire.question("close", id).put("loaded", loaded));
    }
}
