package dev.converge.node.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.Node;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.node.tls.NodeTls;
import dev.converge.transport.Heartbeat;
import dev.converge.transport.PeerUnavailableException;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches of ChangeSets to peers over HTTP or HTTPS (as each peer's URL says; the server's certificate verified
 * with the node's {@link NodeTls} trust, its host name included) with the JDK's {@link HttpClient} (one per node): JSON,
 * gzip-compressed, each request signed with the pair's secret (see {@link Signature}) and numbered in a session the
 * peer opened on a signed hello (see {@link PeerReceiver}). The first send to a peer says hello; when the peer no
 * longer knows the session (it restarted), the sender says hello again at once and resends. Answers must be signed by
 * the peer: a receipt nobody signed could make this node forget ChangeSets the peer never stored.
 *
 * <p>Failures: a peer that cannot be reached, times out or answers 5xx is a {@link PeerUnavailableException}; one that
 * refuses (4xx) a {@link PeerRefusedException} naming the peer, the status and its reason. A batch the peer finds too
 * large (413) is sent again in halves: the receipt then acknowledges the first half, and the node's delivery goes on
 * from there.
 *
 * <p>Thread-safe: sends to different peers run at once; sends to one peer take turns (a link sends one batch at a time
 * anyway, and a session's counter must reach the peer in order).
 */
public final class HttpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    /** Answers are a receipt, a refusal or a hello's rules: small. A larger one is not from a peer. */
    private static final long MAX_ANSWER_BYTES = 4L << 20;

    private final NodeId self;
    private final java.util.function.Supplier<ObjectNode> rules;
    private final PeerLimits limits;
    private final HttpClient client;
    private final Map<NodeId, Channel> channels = new java.util.concurrent.ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** The state of the link to one peer: its session and the last counter used in it. Guarded by itself. */
    private static final class Channel {
        final PeerEndpoint peer;
        String session;
        final AtomicLong counter = new AtomicLong();
        /** How many ChangeSets the peer took in one request last; after a 413, batches start no larger, and grow back. */
        int fits = Integer.MAX_VALUE;

        Channel(PeerEndpoint peer) {
            this.peer = peer;
        }
    }

    /** An answer as it came: status, body, and whether the peer's signature over it verified. */
    private record Answer(int status, byte[] body, boolean signed) {
        /** The body as JSON; an empty object if it is not JSON. */
        JsonNode json() {
            try {
                return Wire.json(body);
            } catch (Refusal e) {
                return ChangeSetCodec.mapper().createObjectNode();
            }
        }

        String reason() {
            return json().path("refused").asText("unknown");
        }

        String message() {
            return json().path("message").asText("(an answer without a message)");
        }
    }

    /** The peer no longer knows the session: say hello again. */
    private static final class SessionLost extends RuntimeException {
        SessionLost() {
            super(null, null, false, false);
        }
    }

    /** A transport of a running node that reaches {@code https://} peers with the JDK's default trust. */
    public HttpTransport(Node node, List<PeerEndpoint> peers, PeerLimits limits) {
        this(node, peers, limits, NodeTls.plain());
    }

    /** A transport of a running node that verifies {@code https://} peers with {@code tls}'s trust. */
    public HttpTransport(Node node, List<PeerEndpoint> peers, PeerLimits limits, NodeTls tls) {
        this(node.id(), () -> Handshake.rules(node), peers, limits, tls);
        this.told = node::markedByPeer;
    }

    /**
     * A transport for {@code self} that is not a running {@link Node}: {@code converge check}, which speaks to a peer
     * in the name of the node whose configuration it was given, presenting that node's replication rules in its hello.
     *
     * @param rules the rules to say hello with ({@link #rules(dev.converge.config.NodeConfig, List)})
     */
    public HttpTransport(NodeId self, java.util.function.Supplier<ObjectNode> rules, List<PeerEndpoint> peers, PeerLimits limits) {
        this(self, rules, peers, limits, NodeTls.plain());
    }

    /**
     * As the constructor without {@code tls}, verifying {@code https://} peers with {@code tls}'s trust.
     *
     * @param tls whom to trust (only its client side is used: a transport serves nothing)
     */
    public HttpTransport(NodeId self, java.util.function.Supplier<ObjectNode> rules, List<PeerEndpoint> peers, PeerLimits limits,
                         NodeTls tls) {
        this.self = self;
        this.rules = rules;
        this.limits = limits;
        peers.forEach(p -> channels.put(p.id(), new Channel(p)));
        this.client = tls.configure(HttpClient.newBuilder()).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(limits.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Reaches {@code peers} from now on (a running node reloaded its configuration): a peer whose URL and secret are
     * unchanged keeps its session; a new or changed one gets a fresh channel, so its next exchange says hello at its
     * URL, signed with its secret; a peer not listed is no longer reached. An exchange already running finishes on the
     * channel it began with.
     */
    public void reconfigure(List<PeerEndpoint> peers) {
        Map<NodeId, PeerEndpoint> wanted = new java.util.HashMap<>();
        peers.forEach(p -> wanted.put(p.id(), p));
        channels.keySet().removeIf(id -> !wanted.containsKey(id));
        wanted.forEach((id, p) -> channels.compute(id, (k, c) -> c != null && c.peer.equals(p) ? c : new Channel(p)));
    }

    @Override
    public Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
        return inSession(to, channel -> post(channel, batch));
    }

    @Override
    public void heartbeat(NodeId from, NodeId to, Heartbeat heartbeat) {
        inSession(to, channel -> {
            Answer answer = exchange(channel.peer, Wire.HEARTBEAT, Wire.gzip(Wire.heartbeat(heartbeat)), channel.session,
                channel.counter.incrementAndGet());
            if (answer.status() == 401 && "unknown-session".equals(answer.reason())) {
                throw new SessionLost();
            }
            JsonNode body = accepted(channel.peer.id(), answer);
            notice(channel.peer.id(), body);
            return body;
        });
    }

    /**
     * Runs one exchange with {@code to} in its session, saying hello first if there is none, and once more if the peer
     * forgot it (it restarted).
     */
    private <T> T inSession(NodeId to, java.util.function.Function<Channel, T> exchange) {
        Channel channel = channels.get(to);
        if (channel == null) {
            throw new PeerUnavailableException(to, "no URL is configured for it", null);
        }
        synchronized (channel) {
            if (channel.session == null) {
                hello(channel);
            }
            try {
                return exchange.apply(channel);
            } catch (SessionLost e) {
                LOG.info("{} no longer knows our session (it restarted?): saying hello again", to);
                channel.session = null;
                hello(channel);
                try {
                    return exchange.apply(channel);
                } catch (SessionLost again) {
                    channel.session = null;
                    throw new PeerUnavailableException(to, "it forgot the session it had just opened (restarting?)", null);
                }
            }
        }
    }

    /**
     * Asks {@code to} a question outside replication ({@link PeerQuestions}) in the session of this link, saying hello
     * first if needed, and returns its answer, signed by the peer.
     *
     * @throws PeerUnavailableException if the peer cannot be reached or fails (5xx)
     * @throws PeerRefusedException if it refuses the question (4xx: an unknown table, rules that differ)
     */
    public JsonNode ask(NodeId to, JsonNode question) {
        byte[] body = Wire.gzip(Wire.bytes(question));
        return inSession(to, channel -> {
            Answer answer = exchange(channel.peer, Wire.QUESTION, body, channel.session, channel.counter.incrementAndGet());
            if (answer.status() == 401 && "unknown-session".equals(answer.reason())) {
                throw new SessionLost();
            }
            return accepted(channel.peer.id(), answer);
        });
    }

    /** The rules a node of {@code config} whose tables are bound as {@code tables} says hello with. */
    public static ObjectNode rules(dev.converge.config.NodeConfig config, List<dev.converge.config.TableRules> tables) {
        return Handshake.rules(config, tables);
    }

    /**
     * Where a peer's resync notice goes ({@link ResyncNotice}): the node records it. A transport without a node
     * ({@code converge check}) ignores it. Set once, in the constructor.
     */
    private java.util.function.BiConsumer<NodeId, java.util.Optional<dev.converge.backlog.ResyncMark>> told = (peer, mark) -> {
    };

    /** Hands on what an answer of {@code peer} says about a resync mark on this node, if it says anything. */
    private void notice(NodeId peer, JsonNode answer) {
        try {
            ResyncNotice.read(answer, self, peer).ifPresent(mark -> told.accept(peer, mark));
        } catch (RuntimeException e) {
            LOG.warn("cannot record what {} said about resync: {}", peer, e.getMessage()); // replication goes on
        }
    }

    /** Says hello to the peer and keeps the session it opens. */
    private void hello(Channel channel) {
        PeerEndpoint peer = channel.peer;
        byte[] nonce = new byte[18];
        random.nextBytes(nonce);
        String label = Wire.HELLO_SESSION_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        ObjectNode hello = ChangeSetCodec.mapper().createObjectNode();
        hello.put("protocol", Wire.PROTOCOL_VERSION).put("sender", self.value()).put("receiver", peer.id().value())
            .put("nonce", label);
        ObjectNode mine = rules.get();
        hello.set("rules", mine);
        Answer answer = exchange(peer, Wire.HELLO, Wire.gzip(Wire.bytes(hello)), label, 0);
        if (answer.status() == 412 && answer.signed()) {
            JsonNode theirs = answer.json().path("rules");
            if ("rules-differ".equals(answer.reason()) && theirs.isObject()) {
                List<String> differences = Handshake.differences(self, mine, peer.id(), theirs);
                throw refused(peer.id(), 412, "rules-differ", "the replication rules of " + self + " (this node) and " + peer.id()
                    + " differ, so they would not converge: " + String.join("; ", differences));
            }
        }
        JsonNode body = accepted(peer.id(), answer);
        List<String> differences = Handshake.differences(self, mine, peer.id(), body.path("rules"));
        if (!differences.isEmpty()) {
            throw refused(peer.id(), 412, "rules-differ", "the replication rules of " + self + " (this node) and " + peer.id()
                + " differ, so they would not converge: " + String.join("; ", differences));
        }
        String session = body.path("session").asText("");
        if (session.isEmpty()) {
            throw new PeerUnavailableException(peer.id(), "its hello answer has no session", null);
        }
        channel.session = session;
        notice(peer.id(), body);
        LOG.info("{} said hello to {}: rules agree, session opened", self, peer.id());
    }

    private Receipt post(Channel channel, List<ChangeSet> batch) {
        List<ChangeSet> part = batch.subList(0, Math.min(batch.size(), channel.fits));
        while (true) {
            Answer answer = exchange(channel.peer, Wire.CHANGESETS, Wire.gzip(Wire.batch(part)), channel.session, channel.counter.incrementAndGet());
            if (answer.status() == 413 && part.size() > 1) {
                part = part.subList(0, part.size() / 2);
                channel.fits = part.size();
                continue;
            }
            if (answer.status() == 401 && "unknown-session".equals(answer.reason())) {
                throw new SessionLost();
            }
            Receipt receipt;
            try {
                receipt = Wire.receipt(accepted(channel.peer.id(), answer));
            } catch (Refusal e) {
                throw new PeerUnavailableException(channel.peer.id(), "its receipt is malformed: " + e.getMessage(), null);
            }
            if (channel.fits < Integer.MAX_VALUE && part.size() == channel.fits) {
                channel.fits = channel.fits >= Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : channel.fits * 2; // ChangeSets differ in size
            }
            return receipt;
        }
    }

    /** The body of an answer that accepted the request, or the exception that says why it did not. */
    private JsonNode accepted(NodeId peer, Answer answer) {
        if (answer.status() >= 500) {
            throw new PeerUnavailableException(peer, "it answered " + answer.status() + ": " + answer.message(), null);
        }
        if (answer.status() != 200) {
            throw refused(peer, answer.status(), answer.reason(), answer.message());
        }
        if (!answer.signed()) {
            Channel c = channels.get(peer);
            throw new PeerUnavailableException(peer, "its answer is not signed with the secret of this pair (is something else listening at "
                + (c == null ? "its URL" : c.peer.url()) + "?)", null);
        }
        JsonNode body = answer.json();
        if (body.isEmpty()) {
            throw new PeerUnavailableException(peer, "its answer is not a JSON object", null);
        }
        return body;
    }

    private PeerRefusedException refused(NodeId peer, int status, String reason, String message) {
        return new PeerRefusedException(peer, status, reason, message);
    }

    private Answer exchange(PeerEndpoint peer, String path, byte[] body, String session, long counter) {
        String digest = Signature.digest(body);
        byte[] signature = Signature.request(peer.secret(), "POST", path, self.value(), peer.id().value(), session, counter, digest);
        HttpRequest request = HttpRequest.newBuilder(target(peer.url(), path))
            .timeout(limits.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .header(Wire.SENDER, self.value())
            .header(Wire.RECEIVER, peer.id().value())
            .header(Wire.SESSION, session)
            .header(Wire.COUNTER, Long.toString(counter))
            .header(Wire.BODY_DIGEST, digest)
            .header(Wire.SIGNATURE, Base64.getEncoder().encodeToString(signature))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<java.io.InputStream> response;
        byte[] answer;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = response.body()) {
                answer = Wire.readAtMost(in, MAX_ANSWER_BYTES, "answer");
            } catch (Refusal e) {
                throw new PeerUnavailableException(peer.id(), "its answer exceeds " + MAX_ANSWER_BYTES + " bytes", null);
            }
        } catch (IOException e) {
            // a TLS failure is said as what to fix (trust, the certificate's names), not as the handshake's exception
            String why = NodeTls.explain(e, peer.url()).orElse("cannot reach " + peer.url() + ": " + e);
            throw new PeerUnavailableException(peer.id(), why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnavailableException(peer.id(), "interrupted while sending", e);
        }
        boolean signed = response.headers().firstValue(Wire.SIGNATURE).map(s -> {
            try {
                byte[] expected = Signature.response(peer.secret(), response.statusCode(), path, peer.id().value(), self.value(),
                    session, counter, Signature.digest(answer));
                return Signature.matches(expected, Base64.getDecoder().decode(s));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }).orElse(false);
        return new Answer(response.statusCode(), answer, signed);
    }

    private static URI target(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }
}
