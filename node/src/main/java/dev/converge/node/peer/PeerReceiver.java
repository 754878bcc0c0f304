package dev.converge.node.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.Node;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.transport.Heartbeat;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.transport.Receipt;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of HTTP between peers: the routes {@code POST /converge/v1/hello} (the handshake, which opens a
 * session) and {@code POST /converge/v1/changesets} (a batch, handed to {@link Node#receive}; the answer is the
 * {@link Receipt}), {@code POST /converge/v1/heartbeat} and {@code POST /converge/v1/question} (a read-only question,
 * handed to {@link PeerQuestions}: the consistency check's). Each request is checked, in this order, before anything of it is read as data: size on the wire
 * (413), sender and receiver (403), signature (401 {@code bad-signature}), body against its signed digest (401
 * {@code tampered}), session and counter (401 {@code unknown-session}, 409 {@code replayed}), inflated size (413), JSON
 * (400 {@code malformed}); a hello also protocol version and table rules (412). A refused request gets a JSON body
 * {@code {"refused": reason, "message": ...}} and the reason in the {@code Converge-Refusal} header, is counted and
 * logged once per sender and reason, and nothing of it is stored. Every answer to a configured peer is signed.
 *
 * <p>Thread-safe: Jetty calls the handlers on many threads at once; the node serialises applying.
 */
public final class PeerReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(PeerReceiver.class);

    private final Node node;
    /** The configured peers; replaced whole by {@link #reconfigure}. */
    private volatile Map<NodeId, PeerEndpoint> peers = Map.of();
    private final PeerLimits limits;
    private final PeerEvents events;
    private final Sessions sessions;
    private final RefusalLog refusals = new RefusalLog();
    private final PeerQuestions questions;

    /** A receiver that answers no question (every one is refused with 404). */
    public PeerReceiver(Node node, List<PeerEndpoint> peers, PeerLimits limits, PeerEvents events) {
        this(node, peers, limits, events, (asker, question) -> {
            throw new PeerQuestions.UnknownQuestion("this node answers no questions");
        });
    }

    public PeerReceiver(Node node, List<PeerEndpoint> peers, PeerLimits limits, PeerEvents events, PeerQuestions questions) {
        this.node = node;
        this.questions = questions;
        this.peers = byId(peers);
        this.limits = limits;
        this.events = events;
        this.sessions = new Sessions(limits.sessionsPerPeer());
    }

    /** Adds the peer routes to a Javalin configuration (call inside {@code Javalin.create}). */
    public void routes(JavalinConfig config) {
        config.routes.post(Wire.HELLO, ctx -> handle(ctx, Wire.HELLO, this::hello));
        config.routes.post(Wire.CHANGESETS, ctx -> handle(ctx, Wire.CHANGESETS, this::changeSets));
        config.routes.post(Wire.HEARTBEAT, ctx -> handle(ctx, Wire.HEARTBEAT, this::heartbeat));
        config.routes.post(Wire.QUESTION, ctx -> handle(ctx, Wire.QUESTION, this::question));
    }

    /**
     * Takes requests from {@code endpoints} from now on (a running node reloaded its configuration): a peer not among
     * them is refused as {@code unknown-sender}; one whose URL or secret changed must say hello again, and its requests
     * are verified with the new secret. A request being handled finishes with the peer as it began.
     */
    public void reconfigure(List<PeerEndpoint> endpoints) {
        Map<NodeId, PeerEndpoint> before = peers;
        Map<NodeId, PeerEndpoint> after = byId(endpoints);
        before.forEach((id, p) -> {
            if (!p.equals(after.get(id))) {
                sessions.forget(id);
            }
        });
        peers = after;
    }

    private static Map<NodeId, PeerEndpoint> byId(List<PeerEndpoint> endpoints) {
        Map<NodeId, PeerEndpoint> out = new LinkedHashMap<>();
        endpoints.forEach(p -> out.put(p.id(), p));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The last refusal of each peer's requests since its last accepted one, as {@code status reason: message}. */
    public Map<NodeId, String> lastRefusals() {
        return refusals.lastRefusals();
    }

    /** An authenticated request: who sent it, in which session, with which counter, and its body as it travelled. */
    private record Request(PeerEndpoint peer, String session, long counter, byte[] body) {
    }

    private interface Answering {
        byte[] answer(Request request);
    }

    private void handle(Context ctx, String path, Answering answering) {
        String claimed = sanitized(ctx.header(Wire.SENDER));
        Optional<PeerEndpoint> peer = Optional.ofNullable(ctx.header(Wire.SENDER)).filter(NodeId::isValid).map(NodeId::of).map(peers::get);
        String session = Optional.ofNullable(ctx.header(Wire.SESSION)).orElse("");
        long counter = 0;
        try {
            Request request = authenticate(ctx, path, peer);
            session = request.session();
            counter = request.counter();
            byte[] answer = answering.answer(request);
            refusals.accepted(request.peer().id());
            respond(ctx, 200, path, peer, session, counter, answer);
        } catch (Refusal r) {
            refusals.refused(claimed, peer.map(PeerEndpoint::id), r);
            events.refused(r.reason());
            ctx.header(Wire.REFUSAL, r.reason());
            respond(ctx, r.status(), path, peer, session, counter, r.body());
        } catch (RuntimeException e) {
            // the database failed or the node broke: the sender retries; nothing was acknowledged
            LOG.warn("cannot take a request from {}: {}", claimed, e.toString());
            respond(ctx, 500, path, peer, session, counter, Wire.refusal("error", String.valueOf(e.getMessage())));
        }
    }

    private Request authenticate(Context ctx, String path, Optional<PeerEndpoint> peer) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limits.maxBodyBytes()) {
            throw Refusal.tooLarge("body of " + declared + " bytes exceeds the limit of " + limits.maxBodyBytes());
        }
        byte[] body;
        try (InputStream in = ctx.bodyInputStream()) {
            body = Wire.readAtMost(in, limits.maxBodyBytes(), "body");
        } catch (IOException e) {
            throw Refusal.malformed("cannot read the body: " + e.getMessage());
        }
        String sender = ctx.header(Wire.SENDER);
        if (sender == null || !NodeId.isValid(sender)) {
            throw Refusal.malformed("header " + Wire.SENDER + " must name the sending node");
        }
        if (peer.isEmpty()) {
            throw new Refusal(403, "unknown-sender", sender + " is not a peer of " + node.id());
        }
        if (!node.id().value().equals(ctx.header(Wire.RECEIVER))) {
            throw new Refusal(403, "wrong-receiver", "this is node " + node.id() + ", not " + sanitized(ctx.header(Wire.RECEIVER)));
        }
        String session = required(ctx, Wire.SESSION);
        long counter;
        try {
            counter = Long.parseLong(required(ctx, Wire.COUNTER));
        } catch (NumberFormatException e) {
            throw Refusal.malformed("header " + Wire.COUNTER + " must be a number");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(required(ctx, Wire.SIGNATURE));
        } catch (IllegalArgumentException e) {
            throw Refusal.malformed("header " + Wire.SIGNATURE + " must be base64");
        }
        String claimedDigest = required(ctx, Wire.BODY_DIGEST);
        byte[] expected = Signature.request(peer.get().secret(), "POST", path, sender, node.id().value(), session, counter, claimedDigest);
        if (!Signature.matches(expected, signature)) {
            throw new Refusal(401, "bad-signature", "the signature does not verify with the secret shared with " + sender);
        }
        if (!Signature.digest(body).equals(claimedDigest)) {
            throw new Refusal(401, "tampered", "the body does not match the digest its sender signed");
        }
        boolean hello = path.equals(Wire.HELLO);
        if (hello != session.startsWith(Wire.HELLO_SESSION_PREFIX)) {
            throw Refusal.malformed(hello ? "a hello carries a nonce as its session" : "a request needs a session: say hello first");
        }
        if (!hello) {
            sessions.advance(peer.get().id(), session, counter);
        }
        if (!"gzip".equalsIgnoreCase(ctx.header("Content-Encoding"))) {
            throw Refusal.malformed("the body must be gzip-compressed (Content-Encoding: gzip)");
        }
        return new Request(peer.get(), session, counter, body);
    }

    private byte[] hello(Request request) {
        JsonNode hello = Wire.json(Wire.gunzip(request.body(), limits.maxInflatedBytes()));
        NodeId sender = request.peer().id();
        int version = hello.path("protocol").asInt(-1);
        if (version != Wire.PROTOCOL_VERSION) {
            throw new Refusal(412, "protocol-version", sender + " speaks protocol " + version + ", " + node.id() + " speaks "
                + Wire.PROTOCOL_VERSION);
        }
        if (!sender.value().equals(hello.path("sender").asText()) || !node.id().value().equals(hello.path("receiver").asText())) {
            throw Refusal.malformed("the hello's node ids do not match its headers");
        }
        refuseIfRemoved(sender);
        ObjectNode mine = Handshake.rules(node);
        List<String> differences = Handshake.differences(node.id(), mine, sender, hello.path("rules"));
        if (!differences.isEmpty()) {
            throw new Refusal(412, "rules-differ", "the replication rules of " + node.id() + " (this node) and " + sender
                + " differ, so they would not converge: " + String.join("; ", differences), mine);
        }
        ObjectNode answer = ChangeSetCodec.mapper().createObjectNode();
        answer.put("protocol", Wire.PROTOCOL_VERSION).put("receiver", node.id().value()).put("sender", sender.value())
            .put("session", sessions.open(sender));
        answer.set("rules", mine);
        ResyncNotice.add(answer, node, sender);
        LOG.info("{} said hello to {}: rules agree, session opened", sender, node.id());
        return Wire.bytes(answer);
    }

    /**
     * A peer removed from the mesh ({@code converge peer remove}) but still in this node's configuration is refused
     * with a message that says what to do, rather than taken as if nothing had happened.
     */
    private void refuseIfRemoved(NodeId sender) {
        node.standings().get(sender).departed().ifPresent(since -> {
            throw new Refusal(403, "removed", dev.converge.backlog.PeerStanding.departedAdvice(node.id(), sender, since));
        });
    }

    private byte[] changeSets(Request request) {
        refuseIfRemoved(request.peer().id());
        List<ChangeSet> batch = Wire.batch(Wire.gunzip(request.body(), limits.maxInflatedBytes()));
        try {
            Receipt receipt = node.receive(request.peer().id(), batch);
            events.received(request.peer().id(), receipt);
            return Wire.receipt(receipt);
        } catch (MalformedChangeSetException e) {
            throw Refusal.malformed(e.getMessage());
        } catch (PeerUnavailableException e) {
            throw new Refusal(503, "busy", e.getMessage());
        }
    }

    private byte[] heartbeat(Request request) {
        refuseIfRemoved(request.peer().id());
        Heartbeat hb = Wire.heartbeat(Wire.gunzip(request.body(), limits.maxInflatedBytes()));
        try {
            node.receiveHeartbeat(request.peer().id(), hb);
        } catch (MalformedChangeSetException e) {
            throw Refusal.malformed(e.getMessage());
        }
        ObjectNode answer = ChangeSetCodec.mapper().createObjectNode().put("receiver", node.id().value());
        ResyncNotice.add(answer, node, request.peer().id());
        return Wire.bytes(answer);
    }

    private byte[] question(Request request) {
        JsonNode question = Wire.json(Wire.gunzip(request.body(), limits.maxInflatedBytes()));
        try {
            return Wire.bytes(questions.answer(request.peer().id(), question));
        } catch (PeerQuestions.UnknownQuestion e) {
            throw new Refusal(404, "unknown-question", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Refusal.malformed(e.getMessage());
        }
    }

    private void respond(Context ctx, int status, String path, Optional<PeerEndpoint> peer, String session, long counter, byte[] body) {
        ctx.status(status);
        ctx.contentType("application/json");
        peer.ifPresent(p -> ctx.header(Wire.SIGNATURE, Base64.getEncoder().encodeToString(
            Signature.response(p.secret(), status, path, node.id().value(), p.id().value(), session, counter, Signature.digest(body)))));
        ctx.result(body);
    }

    private static String required(Context ctx, String header) {
        String value = ctx.header(header);
        if (value == null || value.isEmpty()) {
            throw Refusal.malformed("header " + header + " is missing");
        }
        if (value.length() > 200) {
            throw Refusal.malformed("header " + header + " is too long");
        }
        return value;
    }

    /** A claimed sender id fit for a log line: a valid node id as it is, anything else not echoed. */
    private static String sanitized(String id) {
        return id == null ? "(no sender)" : NodeId.isValid(id) ? id : "(an invalid node id)";
    }
}
