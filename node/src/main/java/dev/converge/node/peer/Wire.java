package dev.converge.node.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.transport.Heartbeat;
import dev.converge.transport.Receipt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The peer protocol's vocabulary: paths, header names, and the bodies (a batch of ChangeSets, a receipt, a refusal)
 * as JSON, gzip-compressed on the way to a peer. Reading is bounded: a body is read, and inflated, up to a limit and
 * no further, so an oversized or over-compressed body costs no more memory than the limit.
 *
 * <p>Stateless and thread-safe.
 */
final class Wire {
    static final int PROTOCOL_VERSION = 1;
    static final String PREFIX = "/converge/v1";
    static final String HELLO = PREFIX + "/hello";
    static final String CHANGESETS = PREFIX + "/changesets";
    static final String HEARTBEAT = PREFIX + "/heartbeat";
    /** A question outside replication ({@link PeerQuestions}): the consistency check's. */
    static final String QUESTION = PREFIX + "/question";

    static final String SENDER = "Converge-Sender";
    static final String RECEIVER = "Converge-Receiver";
    static final String SESSION = "Converge-Session";
    static final String COUNTER = "Converge-Counter";
    static final String BODY_DIGEST = "Converge-Body-SHA256";
    static final String SIGNATURE = "Converge-Signature";
    static final String REFUSAL = "Converge-Refusal";
    /** The session label of a hello and its answer: no session exists yet, the sender's fresh nonce stands for it. */
    static final String HELLO_SESSION_PREFIX = "hello:";

    private Wire() {
    }

    static byte[] batch(List<ChangeSet> batch) {
        StringBuilder json = new StringBuilder(1024).append("{\"changesets\":[");
        for (int i = 0; i < batch.size(); i++) {
            json.append(i == 0 ? "" : ",").append(ChangeSetCodec.toJson(batch.get(i)));
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws Refusal (400) if the body is not a batch of well-formed ChangeSets */
    static List<ChangeSet> batch(byte[] json) {
        JsonNode root = json(json);
        JsonNode list = root.get("changesets");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw Refusal.malformed("a batch must be an object with a non-empty array 'changesets'");
        }
        List<ChangeSet> out = new ArrayList<>(list.size());
        try {
            for (JsonNode cs : list) {
                out.add(ChangeSetCodec.fromTree(cs));
            }
        } catch (MalformedChangeSetException | IllegalArgumentException e) {
            throw Refusal.malformed("malformed ChangeSet: " + e.getMessage());
        }
        return out;
    }

    static byte[] heartbeat(Heartbeat hb) {
        ObjectNode o = ChangeSetCodec.mapper().createObjectNode();
        o.put("lastSequence", hb.lastSequence());
        ObjectNode applied = o.putObject("applied");
        hb.applied().forEach((origin, seq) -> applied.put(origin.value(), seq));
        return bytes(o);
    }

    /** @throws Refusal (400) if the body is not a heartbeat */
    static Heartbeat heartbeat(byte[] json) {
        JsonNode root = json(json);
        JsonNode last = root.get("lastSequence");
        JsonNode applied = root.get("applied");
        if (last == null || !last.canConvertToLong() || applied == null || !applied.isObject()) {
            throw Refusal.malformed("a heartbeat must be an object with a number 'lastSequence' and an object 'applied'");
        }
        java.util.Map<NodeId, Long> map = new java.util.HashMap<>();
        try {
            for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) applied::fields) {
                if (!NodeId.isValid(e.getKey()) || !e.getValue().canConvertToLong()) {
                    throw Refusal.malformed("a heartbeat's 'applied' maps node ids to sequences");
                }
                map.put(NodeId.of(e.getKey()), e.getValue().asLong());
            }
            return new Heartbeat(last.asLong(), map);
        } catch (IllegalArgumentException e) {
            throw Refusal.malformed("malformed heartbeat: " + e.getMessage());
        }
    }

    static byte[] receipt(Receipt r) {
        ObjectNode o = ChangeSetCodec.mapper().createObjectNode();
        o.put("receiver", r.receiver().value()).put("origin", r.origin().value()).put("storedThrough", r.storedThrough())
            .put("applied", r.applied()).put("waiting", r.waiting()).put("partsStored", r.partsStored());
        return bytes(o);
    }

    /** @throws Refusal (400) if {@code o} is not a receipt */
    static Receipt receipt(JsonNode o) {
        try {
            return new Receipt(NodeId.of(o.path("receiver").asText()), NodeId.of(o.path("origin").asText()),
                o.path("storedThrough").asLong(), o.path("applied").asInt(), o.path("waiting").asInt(), o.path("partsStored").asInt());
        } catch (IllegalArgumentException e) {
            throw Refusal.malformed("malformed receipt: " + e.getMessage());
        }
    }

    static byte[] refusal(String reason, String message) {
        return bytes(ChangeSetCodec.mapper().createObjectNode().put("refused", reason).put("message", message));
    }

    /** @throws Refusal (400) if {@code json} is not one JSON object */
    static JsonNode json(byte[] json) {
        try {
            JsonNode root = ChangeSetCodec.mapper().readTree(json);
            if (root == null || !root.isObject()) {
                throw Refusal.malformed("the body must be a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw Refusal.malformed("the body is not JSON: " + firstLine(e.getMessage()));
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return ChangeSetCodec.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 4));
        try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
            z.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** @throws Refusal 413 past {@code limit} inflated bytes, 400 if it is not gzip */
    static byte[] gunzip(byte[] compressed, long limit) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            return readAtMost(in, limit, "inflated body");
        } catch (IOException e) {
            throw Refusal.malformed("the body is not gzip: " + firstLine(e.getMessage()));
        }
    }

    /** Reads {@code in} whole, refusing (413) at the first byte past {@code limit}. */
    static byte[] readAtMost(InputStream in, long limit, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > limit) {
                throw Refusal.tooLarge(what + " exceeds the limit of " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no detail)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
