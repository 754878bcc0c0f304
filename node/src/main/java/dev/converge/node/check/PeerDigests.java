package dev.converge.node.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.check.DigestSource;
import dev.converge.check.KeyHashRange;
import dev.converge.check.Positions;
import dev.converge.check.RangeSummary;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.node.peer.HttpTransport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The other side of a check: a peer, asked over the authenticated peer link ({@link HttpTransport#ask}) as the node
 * whose configuration the check runs with. Rows are asked for {@link CheckWire#MAX_KEYS} keys at a time. A scan's
 * progress on the peer is not seen here.
 *
 * <p>Thread-safe as the transport is (questions to one peer take turns).
 */
public final class PeerDigests implements DigestSource {
    private final HttpTransport transport;
    private final NodeId peer;

    public PeerDigests(HttpTransport transport, NodeId peer) {
        this.transport = transport;
        this.peer = peer;
    }

    @Override
    public String describe() {
        return peer.value();
    }

    @Override
    public Positions positions() {
        return CheckWire.positions(transport.ask(peer, CheckWire.question("positions")));
    }

    @Override
    public long count(String table) {
        return transport.ask(peer, CheckWire.question("count", table)).path("rows").asLong();
    }

    @Override
    public List<RangeSummary> summarize(String table, List<KeyHashRange> ranges, int split, LongConsumer scanned) {
        ObjectNode q = CheckWire.question("summarize", table).put("split", split);
        CheckWire.ranges(q, ranges);
        return CheckWire.summaries(transport.ask(peer, q), ranges, split);
    }

    @Override
    public Listing list(String table, List<KeyHashRange> ranges, int limit, LongConsumer scanned) {
        ObjectNode q = CheckWire.question("list", table).put("limit", Math.min(limit, CheckWire.MAX_LISTED));
        CheckWire.ranges(q, ranges);
        return CheckWire.listing(transport.ask(peer, q));
    }

    @Override
    public Map<RowKey, RowImage> rows(String table, List<RowKey> keys) {
        Map<RowKey, RowImage> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += CheckWire.MAX_KEYS) {
            ObjectNode q = CheckWire.question("rows", table);
            CheckWire.keys(q, keys.subList(from, Math.min(keys.size(), from + CheckWire.MAX_KEYS)));
            JsonNode answer = transport.ask(peer, q);
            out.putAll(CheckWire.rows(answer));
        }
        return out;
    }
}
