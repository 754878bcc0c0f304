package dev.converge.node.peer;

import dev.converge.Node;
import dev.converge.model.ChangeSetCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A hand-driven peer for tests of refusals: says hello as {@code self}, then sends requests exactly as told, signed
 * (or mis-signed) as told, through the JDK client.
 */
final class RawPeer {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Node self;
    private final String receiver;
    private final URI url;
    private final Secret secret;
    String session;
    long counter;

    RawPeer(Node self, String receiver, URI url, Secret secret) {
        this.self = self;
        this.receiver = receiver;
        this.url = url;
        this.secret = secret;
    }

    /** Says hello; keeps the session the receiver opens. */
    RawPeer hello() {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        String label = Wire.HELLO_SESSION_PREFIX + Base64.getUrlEncoder().encodeToString(nonce);
        var hello = ChangeSetCodec.mapper().createObjectNode().put("protocol", Wire.PROTOCOL_VERSION).put("sender", self.id().value())
            .put("receiver", receiver).put("nonce", label);
        hello.set("rules", Handshake.rules(self));
        HttpResponse<String> r = send(Wire.HELLO, signed(Wire.HELLO, Wire.gzip(Wire.bytes(hello)), self.id().value(), label, 0, secret),
            Wire.gzip(Wire.bytes(hello)));
        if (r.statusCode() != 200) {
            throw new AssertionError("hello refused: " + r.statusCode() + " " + r.body());
        }
        session = Wire.json(r.body().getBytes(StandardCharsets.UTF_8)).path("session").asText();
        return this;
    }

    /** Headers of a request signed with {@code key}, the next counter of the session. */
    Map<String, String> next(byte[] body, Secret key) {
        return next(Wire.CHANGESETS, body, key);
    }

    /** As {@link #next(byte[], Secret)}, for a request to {@code path}. */
    Map<String, String> next(String path, byte[] body, Secret key) {
        return signed(path, body, self.id().value(), session, ++counter, key);
    }

    Map<String, String> signed(String path, byte[] body, String sender, String session, long counter, Secret key) {
        String digest = Signature.digest(body);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Encoding", "gzip");
        h.put(Wire.SENDER, sender);
        h.put(Wire.RECEIVER, receiver);
        h.put(Wire.SESSION, session);
        h.put(Wire.COUNTER, Long.toString(counter));
        h.put(Wire.BODY_DIGEST, digest);
        h.put(Wire.SIGNATURE, Base64.getEncoder().encodeToString(Signature.request(key, "POST", path, sender, receiver, session, counter, digest)));
        return h;
    }

    HttpResponse<String> send(String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("cannot send to " + url, e);
        }
    }
}
