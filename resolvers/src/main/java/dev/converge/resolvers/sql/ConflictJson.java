package dev.converge.resolvers.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.Resolution;
import dev.converge.conflict.TimestampResolver;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import java.util.Optional;

/**
 * A {@link Conflict} as the JSON object an SQL function receives: one text, whatever the database, so one function
 * signature serves both dialects and a new fact can be added without breaking functions that ignore it. Keys:
 *
 * <ul>
 *   <li>{@code type} (a conflict type word, e.g. {@code update-changed-row}), {@code table}, {@code scope}
 *       ({@code row} or {@code transaction}), {@code key} (column to value);</li>
 *   <li>{@code local}: the local row, or null if missing; {@code shadow}: the deleted row's last image, or null;
 *       {@code local_timestamp} (text, e.g. {@code 2026-01-01T12:05:00Z+1}), {@code local_clock} (a number that orders
 *       like the timestamps), {@code local_origin} (a node id, or null for a row from before replication) and
 *       {@code local_priority};</li>
 *   <li>{@code remote}: the incoming row (its after image), or null for a delete; {@code remote_before}: its before
 *       image, or null for an insert; {@code remote_kind} ({@code insert}, {@code update}, {@code delete});
 *       {@code remote_timestamp}, {@code remote_clock}, {@code remote_origin}, {@code remote_priority};</li>
 *   <li>{@code by_timestamp}: what the {@code timestamp} rule decides ({@code apply-remote} or {@code keep-local},
 *       exact ties by priority, then node id) — the usual fallback, computed alike on every peer.</li>
 * </ul>
 *
 * Rows are objects of column to value, the columns spelled as the database spells them ({@code QTY} on H2,
 * {@code qty} on PostgreSQL), values as on the wire (numbers exact, dates and times as ISO-8601 text). Stateless.
 */
final class ConflictJson {
    private static final ObjectMapper JSON = ChangeSetCodec.mapper();
    private static final TimestampResolver TIMESTAMP = new TimestampResolver();

    private ConflictJson() {
    }

    static String of(Conflict c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", c.type().word());
        o.put("table", c.table());
        o.put("scope", c.scope().word());
        o.set("key", JSON.valueToTree(c.key().values()));
        o.set("local", image(c.local()));
        o.set("shadow", image(c.shadow()));
        time(o, "local", c.localTimestamp());
        o.put("local_origin", c.localOrigin().map(NodeId::value).orElse(null));
        o.put("local_priority", c.localPriority());
        o.set("remote", image(c.remote().after()));
        o.set("remote_before", image(c.remote().before()));
        o.put("remote_kind", c.remote().kind());
        time(o, "remote", c.remoteTimestamp());
        o.put("remote_origin", c.remoteOrigin().value());
        o.put("remote_priority", c.remotePriority());
        o.put("by_timestamp", TIMESTAMP.resolve(c) instanceof Resolution.ApplyRemote ? "apply-remote" : "keep-local");
        return o.toString();
    }

    private static JsonNode image(Optional<RowImage> row) {
        return row.<JsonNode>map(r -> JSON.valueToTree(r.values())).orElse(null);
    }

    private static void time(ObjectNode o, String side, HybridTimestamp ts) {
        o.put(side + "_timestamp", ts.toString());
        o.put(side + "_clock", ts.asLong());
    }
}
