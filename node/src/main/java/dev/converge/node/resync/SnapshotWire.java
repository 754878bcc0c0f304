package dev.converge.node.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import dev.converge.resync.SnapshotHeader;
import dev.converge.resync.SnapshotPage;
import dev.converge.resync.SnapshotRow;
import dev.converge.shadow.RowVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON form of a snapshot's questions and answers. Rows and keys travel in the same canonical value encoding as
 * ChangeSets, so a snapshot moves between H2 and PostgreSQL alike. A malformed answer or question is an
 * {@link IllegalArgumentException} naming what is wrong. Stateless; thread-safe.
 */
final class SnapshotWire {
    /** Rows per page asked for; a page of wide rows still fits an answer (4 MiB). */
    static final int PAGE = 500;

    private static final ObjectMapper JSON = ChangeSetCodec.mapper();

    private SnapshotWire() {
    }

    static ObjectNode question(String kind, String snapshot) {
        ObjectNode q = JSON.createObjectNode().put("resync", kind);
        if (snapshot != null) {
            q.put("snapshot", snapshot);
        }
        return q;
    }

    static ObjectNode header(SnapshotHeader h) {
        ObjectNode o = JSON.createObjectNode().put("source", h.source().value()).put("sequence", h.sequence())
            .put("max_ts", h.maxTimestamp());
        ObjectNode applied = o.putObject("applied");
        h.applied().forEach((origin, a) -> applied.putObject(origin.value()).put("seq", a.sequence()).put("ts", a.timestamp())
            .put("deps", a.dependencies()));
        ArrayNode tables = o.putArray("tables");
        h.tables().forEach(tables::add);
        return o;
    }

    static SnapshotHeader header(JsonNode o) {
        Map<NodeId, SnapshotHeader.Applied> applied = new LinkedHashMap<>();
        o.path("applied").fields().forEachRemaining(e -> applied.put(node(e.getKey()), new SnapshotHeader.Applied(
            number(e.getValue(), "seq"), number(e.getValue(), "ts"), e.getValue().path("deps").asText("{}"))));
        List<String> tables = new ArrayList<>();
        o.path("tables").forEach(t -> tables.add(t.asText()));
        return new SnapshotHeader(node(text(o, "source")), number(o, "sequence"), applied, number(o, "max_ts"), tables);
    }

    static ObjectNode page(SnapshotPage page) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode rows = o.putArray("rows");
        for (SnapshotRow r : page.rows()) {
            ObjectNode row = rows.addObject();
            row.set("key", key(r.key()));
            r.row().ifPresent(image -> row.set("row", JSON.valueToTree(image.values())));
            r.version().ifPresent(v -> row.set("version", version(v)));
        }
        page.next().ifPresent(k -> o.set("next", key(k)));
        return o;
    }

    static SnapshotPage page(JsonNode o) {
        List<SnapshotRow> rows = new ArrayList<>();
        for (JsonNode r : o.path("rows")) {
            Optional<dev.converge.model.RowImage> image = r.hasNonNull("row")
                ? Optional.of(ChangeSetCodec.imageFromJson(r.get("row").toString())) : Optional.empty();
            rows.add(new SnapshotRow(key(r.path("key")), image, r.hasNonNull("version") ? Optional.of(version(r.get("version"))) : Optional.empty()));
        }
        return new SnapshotPage(rows, o.hasNonNull("next") ? Optional.of(key(o.get("next"))) : Optional.empty());
    }

    static JsonNode key(RowKey key) {
        return JSON.valueToTree(key.values());
    }

    static Optional<RowKey> optionalKey(JsonNode o, String field) {
        return o.hasNonNull(field) ? Optional.of(key(o.get(field))) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    static RowKey key(JsonNode o) {
        if (!o.isObject() || o.isEmpty()) {
            throw new IllegalArgumentException("a key is a JSON object of its columns' values, not " + o);
        }
        return new RowKey(ChangeSetCodec.imageFromJson(o.toString()).values());
    }

    static ObjectNode version(RowVersion v) {
        ObjectNode o = JSON.createObjectNode().put("ts", v.timestamp()).put("origin", v.origin()).put("seq", v.originSequence().orElseThrow())
            .put("deleted", v.deleted()).put("decision", v.decision());
        v.deletedImage().ifPresent(image -> o.put("image", image));
        ObjectNode concurrent = o.putObject("concurrent");
        v.concurrent().forEach((origin, w) -> concurrent.putArray(origin).add(w.sequence()).add(w.timestamp()));
        ObjectNode columns = o.putObject("columns");
        v.columns().forEach((column, s) -> {
            ArrayNode a = columns.putArray(column).add(s.timestamp());
            if (s.origin() == null) {
                a.addNull();
            } else {
                a.add(s.origin());
            }
            a.add(s.sequence());
        });
        if (!v.lineage().isEmpty()) {
            o.set("lineage", v.lineage().toJson());
        }
        return o;
    }

    static RowVersion version(JsonNode o) {
        Map<String, RowVersion.Write> concurrent = new TreeMap<>();
        o.path("concurrent").fields().forEachRemaining(e -> concurrent.put(e.getKey(),
            new RowVersion.Write(e.getValue().path(0).asLong(), e.getValue().path(1).asLong())));
        Map<String, RowVersion.ColumnStamp> columns = new TreeMap<>();
        o.path("columns").fields().forEachRemaining(e -> columns.put(e.getKey(), new RowVersion.ColumnStamp(e.getValue().path(0).asLong(),
            e.getValue().path(1).isNull() ? null : e.getValue().path(1).asText(), e.getValue().path(2).asLong())));
        return new RowVersion(List.of(), number(o, "ts"), text(o, "origin"), Optional.of(number(o, "seq")), Optional.empty(),
            o.path("deleted").asBoolean(), o.hasNonNull("image") ? Optional.of(o.get("image").asText()) : Optional.empty(),
            concurrent, columns, o.path("decision").asBoolean(), dev.converge.shadow.Lineage.fromJson(o.get("lineage")));
    }

    static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    static long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number");
        }
        return v.asLong();
    }

    static int limit(JsonNode o) {
        long n = number(o, "limit");
        if (n < 1 || n > 5_000) {
            throw new IllegalArgumentException("'limit' must be 1 to 5000, not " + n);
        }
        return (int) n;
    }

    private static NodeId node(String id) {
        if (!NodeId.isValid(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a node id");
        }
        return NodeId.of(id);
    }
}
