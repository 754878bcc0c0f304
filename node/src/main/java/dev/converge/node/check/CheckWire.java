package dev.converge.node.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.check.DigestSource;
import dev.converge.check.KeyHashRange;
import dev.converge.check.Positions;
import dev.converge.check.RangeSummary;
import dev.converge.check.RowHash;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consistency check's questions and answers as JSON: {@code {"check": "positions" | "count" | "summarize" | "list" |
 * "rows", "table": ..., ...}}. Keys and rows travel as row images do in ChangeSets (canonical values), hashes as hex.
 * Bounds that keep one answer small are checked here, on the answering side: at most {@link #MAX_SUMMARIES} summaries,
 * {@link #MAX_LISTED} listed rows and {@link #MAX_KEYS} keys per question.
 *
 * <p>Stateless and thread-safe. Reading a malformed question or answer throws {@link IllegalArgumentException}.
 */
final class CheckWire {
    static final int MAX_SUMMARIES = 1 << 16;
    static final int MAX_LISTED = 20_000;
    static final int MAX_KEYS = 100;

    private CheckWire() {
    }

    static ObjectNode question(String kind) {
        return ChangeSetCodec.mapper().createObjectNode().put("check", kind);
    }

    static ObjectNode question(String kind, String table) {
        return question(kind).put("table", table);
    }

    static ArrayNode ranges(ObjectNode question, List<KeyHashRange> ranges) {
        ArrayNode out = question.putArray("ranges");
        ranges.forEach(r -> out.add(r.toString()));
        return out;
    }

    static List<KeyHashRange> ranges(JsonNode question) {
        JsonNode list = question.path("ranges");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("a question about ranges needs a non-empty array 'ranges'");
        }
        List<KeyHashRange> out = new ArrayList<>(list.size());
        list.forEach(r -> out.add(KeyHashRange.parse(r.asText())));
        return out;
    }

    static String table(JsonNode question) {
        String table = question.path("table").asText("");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("the question names no table");
        }
        return table;
    }

    static int number(JsonNode question, String field, int min, int max) {
        JsonNode n = question.path(field);
        if (!n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw new IllegalArgumentException("'" + field + "' must be a number from " + min + " to " + max);
        }
        return n.asInt();
    }

    // ---- positions ----------------------------------------------------------------------------------------------

    static ObjectNode positions(Positions p) {
        ObjectNode o = ChangeSetCodec.mapper().createObjectNode();
        o.put("node", p.node().value()).put("sequenced", p.sequenced()).put("unsequenced", p.unsequenced());
        ObjectNode applied = o.putObject("applied");
        p.applied().forEach((origin, seq) -> applied.put(origin.value(), seq));
        return o;
    }

    static Positions positions(JsonNode o) {
        Map<NodeId, Long> applied = new LinkedHashMap<>();
        o.path("applied").fields().forEachRemaining(e -> applied.put(NodeId.of(e.getKey()), e.getValue().asLong()));
        return new Positions(NodeId.of(o.path("node").asText()), o.path("sequenced").asLong(), o.path("unsequenced").asLong(), applied);
    }

    // ---- summaries ----------------------------------------------------------------------------------------------

    static ObjectNode summaries(List<RangeSummary> sums) {
        ObjectNode o = ChangeSetCodec.mapper().createObjectNode();
        ArrayNode rows = o.putArray("rows");
        ArrayNode hashes = o.putArray("hashes");
        for (RangeSummary s : sums) {
            rows.add(s.rows());
            hashes.add(s.hash().toString());
        }
        return o;
    }

    /** The summaries of the children of {@code ranges}, in the order they were asked for. */
    static List<RangeSummary> summaries(JsonNode o, List<KeyHashRange> ranges, int split) {
        JsonNode rows = o.path("rows");
        JsonNode hashes = o.path("hashes");
        int n = ranges.size() << split;
        if (rows.size() != n || hashes.size() != n) {
            throw new IllegalArgumentException("the answer has " + rows.size() + " summaries, not the " + n + " asked for");
        }
        List<RangeSummary> out = new ArrayList<>(n);
        int i = 0;
        for (KeyHashRange r : ranges) {
            for (KeyHashRange child : r.children(split)) {
                out.add(new RangeSummary(child, rows.get(i).asLong(), RowHash.parse(hashes.get(i).asText())));
                i++;
            }
        }
        return out;
    }

    // ---- listings -----------------------------------------------------------------------------------------------

    static ObjectNode listing(DigestSource.Listing listing) {
        ObjectNode o = ChangeSetCodec.mapper().createObjectNode();
        o.put("complete", listing.complete());
        ArrayNode rows = o.putArray("rows");
        for (DigestSource.Listed l : listing.rows()) {
            ObjectNode r = rows.addObject();
            r.set("key", key(l.key()));
            r.put("keyHash", HexFormat.of().toHexDigits(l.keyHash())).put("hash", l.hash().toString());
        }
        return o;
    }

    static DigestSource.Listing listing(JsonNode o) {
        List<DigestSource.Listed> out = new ArrayList<>();
        for (JsonNode r : o.path("rows")) {
            out.add(new DigestSource.Listed(key(r.path("key")), HexFormat.fromHexDigitsToLong(r.path("keyHash").asText()),
                RowHash.parse(r.path("hash").asText())));
        }
        return new DigestSource.Listing(out, o.path("complete").asBoolean(false));
    }

    // ---- keys and rows ------------------------------------------------------------------------------------------

    static JsonNode key(RowKey key) {
        return image(RowImage.of(key.values()));
    }

    static RowKey key(JsonNode json) {
        if (!json.isObject() || json.isEmpty()) {
            throw new IllegalArgumentException("a key is a non-empty JSON object of its columns");
        }
        return new RowKey(image(json).values());
    }

    static JsonNode image(RowImage image) {
        try {
            return ChangeSetCodec.mapper().readTree(ChangeSetCodec.imageToJson(image));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RowImage image(JsonNode json) {
        return ChangeSetCodec.imageFromJson(json.toString());
    }

    static ArrayNode keys(ObjectNode question, List<RowKey> keys) {
        ArrayNode out = question.putArray("keys");
        keys.forEach(k -> out.add(key(k)));
        return out;
    }

    static List<RowKey> keys(JsonNode question) {
        JsonNode list = question.path("keys");
        if (!list.isArray() || list.size() > MAX_KEYS) {
            throw new IllegalArgumentException("'keys' must be an array of at most " + MAX_KEYS + " keys");
        }
        List<RowKey> out = new ArrayList<>();
        list.forEach(k -> out.add(key(k)));
        return out;
    }

    static ObjectNode rows(Map<RowKey, RowImage> rows) {
        ObjectNode o = ChangeSetCodec.mapper().createObjectNode();
        ArrayNode list = o.putArray("rows");
        rows.forEach((k, row) -> {
            ObjectNode r = list.addObject();
            r.set("key", key(k));
            r.set("row", image(row));
        });
        return o;
    }

    static Map<RowKey, RowImage> rows(JsonNode o) {
        Map<RowKey, RowImage> out = new LinkedHashMap<>();
        for (JsonNode r : o.path("rows")) {
            out.put(key(r.path("key")), image(r.path("row")));
        }
        return out;
    }
}
