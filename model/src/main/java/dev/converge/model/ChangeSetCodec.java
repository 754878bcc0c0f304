package dev.converge.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.clock.HybridTimestamp;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ChangeSets and row images as JSON: how they are stored in the inbox and how they travel between peers. Reading is
 * strict: anything malformed is a {@link MalformedChangeSetException} that says what is wrong, never a half-read value.
 * Numbers keep their exact value (integers as Long, others as BigDecimal).
 *
 * <p>Thread-safe: static methods over one shared, immutable Jackson mapper.
 */
public final class ChangeSetCodec {
    // Not USE_LONG_FOR_INTS: it makes an integer beyond a long's range (a NUMERIC(40) value) a parse error
    // exact decimals in trees too: the default node factory strips trailing zeros, and NUMERIC 1.50 must stay 1.50
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private ChangeSetCodec() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String imageToJson(RowImage image) {
        try {
            return MAPPER.writeValueAsString(image.values());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write row image " + image, e);
        }
    }

    /**
     * A JSON array of one row image, {@code columns} to {@code values} (canonical, as {@link RowImage} holds them): what
     * {@link #imagesFromJson} reads back. For capture, which writes one per changed row and has no use for the image
     * object itself.
     */
    public static String singleImageArrayJson(List<String> columns, Object[] values) {
        Map<String, Object> image = new LinkedHashMap<>(columns.size() * 2);
        for (int i = 0; i < values.length; i++) {
            image.put(columns.get(i), Values.canonical(values[i]));
        }
        try {
            return MAPPER.writeValueAsString(new Object[] {image});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write row image " + image, e);
        }
    }

    /**
     * A row image from a JSON object of column to value, read in one streaming pass: this runs for every captured row
     * image, and building a tree first doubled its cost. Values come out as {@link #image(JsonNode, String)} makes them.
     */
    public static RowImage imageFromJson(String json) {
        return parse(json, "row image", p -> {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedChangeSetException("row image must be an object of column to value");
            }
            return image(p);
        });
    }

    /** A JSON array of row images (an element may be null), read in one streaming pass: how capture stores a statement. */
    public static List<RowImage> imagesFromJson(String json) {
        return parse(json, "row images", p -> {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new MalformedChangeSetException("row images must be an array of objects");
            }
            List<RowImage> out = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NULL) {
                    out.add(null);
                } else if (t == JsonToken.START_OBJECT) {
                    out.add(image(p));
                } else {
                    throw new MalformedChangeSetException("row images must be an array of objects, not of " + t);
                }
            }
            return out;
        });
    }

    private interface Reading<T> {
        T read(JsonParser p) throws IOException;
    }

    /** Runs {@code reading} over {@code json}, which must hold exactly one value; any malformation is a MalformedChangeSetException. */
    private static <T> T parse(String json, String what, Reading<T> reading) {
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            T value = reading.read(p);
            if (p.nextToken() != null) {
                throw new MalformedChangeSetException(what + " has trailing content");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new MalformedChangeSetException(what + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object the parser stands at the start of, up to its end. */
    private static RowImage image(JsonParser p) throws IOException {
        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        for (String column = p.nextFieldName(); column != null; column = p.nextFieldName()) {
            values.put(column, scalar(p, p.nextToken()));
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new MalformedChangeSetException("row image is not an object of column to value");
        }
        return new RowImage(values);
    }

    private static Object scalar(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
            case VALUE_STRING -> p.getText();
            case START_OBJECT, START_ARRAY -> p.readValueAsTree().toString();
            default -> throw new MalformedChangeSetException("row image has an unexpected " + t);
        };
    }

    /** The ChangeSet as JSON, written in one streaming pass (no tree is built). */
    public static String toJson(ChangeSet cs) {
        StringWriter out = new StringWriter(256 + 128 * cs.changes().size());
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("origin", cs.origin().value());
            g.writeNumberField("sequence", cs.sequence());
            g.writeNumberField("timestamp", cs.timestamp().asLong());
            g.writeObjectFieldStart("dependencies");
            for (Map.Entry<NodeId, Long> d : cs.dependencies().entrySet()) {
                g.writeNumberField(d.getKey().value(), d.getValue());
            }
            g.writeEndObject();
            if (!cs.metadata().isEmpty()) {
                g.writeObjectFieldStart("metadata");
                for (Map.Entry<String, String> m : cs.metadata().entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            g.writeArrayFieldStart("changes");
            for (Change c : cs.changes()) {
                g.writeStartObject();
                g.writeStringField("kind", c.kind());
                g.writeStringField("table", c.table());
                g.writeObjectField("key", c.key().values());
                if (c.before().isPresent()) {
                    g.writeObjectField("before", c.before().get().values());
                }
                if (c.after().isPresent()) {
                    g.writeObjectField("after", c.after().get().values());
                }
                g.writeNumberField("timestamp", c.timestamp().asLong());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ChangeSet " + cs.id(), e);
        }
        return out.toString();
    }

    public static ChangeSet fromJson(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new MalformedChangeSetException("ChangeSet is not JSON: " + e.getOriginalMessage());
        }
    }

    public static ChangeSet fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new MalformedChangeSetException("a ChangeSet must be a JSON object");
        }
        NodeId origin = nodeId(text(root, "origin"), "origin");
        long sequence = number(root, "sequence");
        HybridTimestamp ts = timestamp(number(root, "timestamp"), "timestamp");
        Map<NodeId, Long> deps = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : optionalObject(root, "dependencies", "an object of node id to sequence")) {
            if (!e.getValue().canConvertToLong()) {
                throw new MalformedChangeSetException("dependency on " + e.getKey() + " must be a sequence number");
            }
            deps.put(nodeId(e.getKey(), "dependency"), e.getValue().asLong());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : optionalObject(root, "metadata", "an object of names to texts")) {
            if (!e.getValue().isTextual()) {
                throw new MalformedChangeSetException("metadata " + e.getKey() + " must be a text");
            }
            metadata.put(e.getKey(), e.getValue().asText());
        }
        JsonNode changesNode = root.get("changes");
        if (changesNode == null || !changesNode.isArray()) {
            throw new MalformedChangeSetException("changes must be an array");
        }
        List<Change> changes = new ArrayList<>();
        int i = 0;
        for (JsonNode c : changesNode) {
            changes.add(change(c, "change #" + (++i)));
        }
        try {
            return new ChangeSet(origin, sequence, ts, deps, changes, metadata);
        } catch (IllegalArgumentException e) {
            throw new MalformedChangeSetException(e.getMessage());
        }
    }

    /** The fields of an optional object member ({@code what} says what it must be); none if it is absent or null. */
    private static List<Map.Entry<String, JsonNode>> optionalObject(JsonNode root, String name, String what) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new MalformedChangeSetException(name + " must be " + what);
        }
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        node.fields().forEachRemaining(out::add);
        return out;
    }

    private static Change change(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new MalformedChangeSetException(where + " must be an object");
        }
        String kind = text(n, "kind");
        String table = text(n, "table");
        RowKey key = new RowKey(image(required(n, "key", where), where + " key").values());
        HybridTimestamp ts = timestamp(number(n, "timestamp"), where + " timestamp");
        if (key.values().isEmpty()) {
            throw new MalformedChangeSetException(where + " has an empty key");
        }
        if ("insert".equals(kind)) {
            return new Change.Insert(table, key, image(required(n, "after", where), where + " after"), ts);
        }
        if ("update".equals(kind)) {
            return new Change.Update(table, key, image(required(n, "before", where), where + " before"),
                image(required(n, "after", where), where + " after"), ts);
        }
        if ("delete".equals(kind)) {
            return new Change.Delete(table, key, image(required(n, "before", where), where + " before"), ts);
        }
        throw new MalformedChangeSetException(where + " has unknown kind '" + kind + "' (insert, update or delete)");
    }

    private static JsonNode required(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new MalformedChangeSetException(where + " lacks '" + field + "'");
        }
        return v;
    }

    private static RowImage image(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new MalformedChangeSetException(where + " must be an object of column to value");
        }
        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isContainerNode()) {
                values.put(e.getKey(), v.toString());
            } else if (v.isNull()) {
                values.put(e.getKey(), null);
            } else if (v.isBoolean()) {
                values.put(e.getKey(), v.booleanValue());
            } else if (v.isIntegralNumber()) {
                values.put(e.getKey(), v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue());
            } else if (v.isNumber()) {
                values.put(e.getKey(), v.decimalValue());
            } else {
                values.put(e.getKey(), v.asText());
            }
        }
        return new RowImage(values);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedChangeSetException("'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new MalformedChangeSetException("'" + field + "' must be an integer");
        }
        return v.asLong();
    }

    private static NodeId nodeId(String s, String what) {
        if (!NodeId.isValid(s)) {
            throw new MalformedChangeSetException(what + " '" + s + "' is not a node id");
        }
        return NodeId.of(s);
    }

    private static HybridTimestamp timestamp(long packed, String what) {
        try {
            return HybridTimestamp.fromLong(packed);
        } catch (IllegalArgumentException e) {
            throw new MalformedChangeSetException(what + ": " + e.getMessage());
        }
    }
}
