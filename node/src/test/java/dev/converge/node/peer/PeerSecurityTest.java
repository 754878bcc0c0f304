package dev.converge.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests that must be refused, sent by hand to a running node {@code b}: each gets the right status and reason, and
 * nothing of it reaches b's table. Node {@code a} is opened but not running: its queue is the source of real ChangeSets.
 */
class PeerSecurityTest {
    private PeerMesh mesh;
    private RootLogs logs;
    private RawPeer a;

    @BeforeEach
    void start() {
        logs = new RootLogs();
        mesh = PeerMesh.of(Dialect.H2, "security", List.of("a", "b")).limits(PeerMesh.LIMITS.withBodyLimits(8 * 1024, 64 * 1024));
        mesh.start("b");
        mesh.sql("a").execute("insert into item values (1, 'from a', 1)");
        a = new RawPeer(mesh.node("a"), "b", mesh.url("b"), Secret.of(mesh.secret("a", "b"))).hello();
    }

    @AfterEach
    void stop() {
        try {
            mesh.close();
            for (String line : logs.lines()) {
                for (String secret : mesh.secrets()) {
                    assertFalse(line.contains(secret), "a log line holds a secret: " + line);
                }
            }
        } finally {
            logs.close();
        }
    }

    private byte[] batch() {
        List<ChangeSet> queued = mesh.node("a").outboundFor(NodeId.of("b"), 10);
        assertEquals(1, queued.size(), "a has its insert queued for b");
        return Wire.gzip(Wire.batch(queued));
    }

    private static void assertRefused(HttpResponse<String> r, int status, String reason) {
        assertEquals(status, r.statusCode(), "status of a request that must be refused as " + reason + ": " + r.body());
        assertEquals(reason, r.headers().firstValue(Wire.REFUSAL).orElse(null), "reason header: " + r.body());
        assertTrue(r.body().contains("\"refused\":\"" + reason + "\""), "the body names the reason: " + r.body());
    }

    private void assertNothingApplied() {
        assertEquals(0, ((Number) mesh.sql("b").scalar("select count(*) from item")).intValue(), "b's table is untouched");
    }

    @Test
    void anAuthenticRequestIsAccepted() {
        HttpResponse<String> r = a.send(Wire.CHANGESETS, a.next(batch(), Secret.of(mesh.secret("a", "b"))), batch());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, ((Number) mesh.sql("b").scalar("select count(*) from item")).intValue(), "b applied a's insert");
    }

    /** The consistency check's questions go through the same authentication as ChangeSets: no answer without it. */
    @Test
    void aQuestionIsAnsweredOnlyWhenAuthentic() {
        mesh.sql("b").execute("insert into item values (5, 'at b', 5)");
        byte[] question = Wire.gzip("{\"check\":\"count\",\"table\":\"item\"}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> forged = a.send(Wire.QUESTION, a.next(Wire.QUESTION, question, Secret.of("not-the-secret-of-a-and-b")), question);
        assertRefused(forged, 401, "bad-signature");
        assertFalse(forged.body().contains("\"rows\""), "a forged question gets no answer: " + forged.body());
        HttpResponse<String> unsigned = a.send(Wire.QUESTION, Map.of(), question);
        assertRefused(unsigned, 400, "malformed");

        HttpResponse<String> otherPath = a.send(Wire.QUESTION, a.next(question, Secret.of(mesh.secret("a", "b"))), question);
        assertRefused(otherPath, 401, "bad-signature"); // signed for /changesets: the path is part of what is signed
        HttpResponse<String> authentic = a.send(Wire.QUESTION, a.next(Wire.QUESTION, question, Secret.of(mesh.secret("a", "b"))), question);
        assertEquals(200, authentic.statusCode(), authentic.body());
        assertTrue(authentic.body().contains("\"rows\":1"), "b counts its one row: " + authentic.body());
        byte[] unknown = Wire.gzip("{\"check\":\"count\",\"table\":\"nosuch\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(a.send(Wire.QUESTION, a.next(Wire.QUESTION, unknown, Secret.of(mesh.secret("a", "b"))), unknown), 404, "unknown-question");
    }

    @Test
    void aForgedSignatureIsRefusedAndLoggedOnce() {
        for (int i = 0; i < 5; i++) {
            byte[] body = batch();
            assertRefused(a.send(Wire.CHANGESETS, a.next(body, Secret.of("not-the-secret-of-a-and-b")), body), 401, "bad-signature");
        }
        assertNothingApplied();
        long logged = logs.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("bad-signature")).count();
        assertEquals(1, logged, "five forged requests, one log line: " + logs.lines());
        assertTrue(mesh.running("b").status().peers().get(0).lastRefusal().contains("bad-signature"), "b's status names the refusal");
    }

    @Test
    void aTamperedBodyIsRefused() {
        byte[] signedBody = batch();
        byte[] other = Wire.gzip(new String(Wire.batch(mesh.node("a").outboundFor(NodeId.of("b"), 10)), StandardCharsets.UTF_8)
            .replace("from a", "from z").getBytes(StandardCharsets.UTF_8));
        assertRefused(a.send(Wire.CHANGESETS, a.next(signedBody, Secret.of(mesh.secret("a", "b"))), other), 401, "tampered");
        assertNothingApplied();
    }

    @Test
    void theSameBytesSentTwiceAreRefusedTheSecondTime() {
        byte[] body = batch();
        Map<String, String> headers = a.next(body, Secret.of(mesh.secret("a", "b")));
        assertEquals(200, a.send(Wire.CHANGESETS, headers, body).statusCode());
        mesh.sql("b").execute("delete from item"); // were the replay applied, the row would come back
        assertRefused(a.send(Wire.CHANGESETS, headers, body), 409, "replayed");
        assertNothingApplied();
    }

    @Test
    void anUnknownSenderIsRefused() {
        byte[] body = batch();
        Map<String, String> headers = a.signed(Wire.CHANGESETS, body, "zz", a.session, 99, Secret.of(mesh.secret("a", "b")));
        assertRefused(a.send(Wire.CHANGESETS, headers, body), 403, "unknown-sender");
        assertNothingApplied();
    }

    @Test
    void anUnknownSessionIsRefusedSoTheSenderSaysHelloAgain() {
        byte[] body = batch();
        Map<String, String> headers = a.signed(Wire.CHANGESETS, body, "a", "no-such-session", 1, Secret.of(mesh.secret("a", "b")));
        assertRefused(a.send(Wire.CHANGESETS, headers, body), 401, "unknown-session");
        assertNothingApplied();
    }

    @Test
    void aBodyTooLargeOnTheWireIsRefused() {
        byte[] noise = new byte[9 * 1024];
        new Random(1).nextBytes(noise);
        assertRefused(a.send(Wire.CHANGESETS, a.next(noise, Secret.of(mesh.secret("a", "b"))), noise), 413, "too-large");
        assertNothingApplied();
    }

    @Test
    void aBodyThatInflatesTooFarIsRefused() {
        String padding = " ".repeat(200 * 1024); // 200 KiB of blanks gzip to well under 1 KiB
        byte[] bomb = Wire.gzip(("{\"changesets\":[]" + padding + "}").getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < 8 * 1024, "the bomb is small on the wire");
        assertRefused(a.send(Wire.CHANGESETS, a.next(bomb, Secret.of(mesh.secret("a", "b"))), bomb), 413, "too-large");
        assertNothingApplied();
    }

    @Test
    void malformedJsonIsRefused() {
        byte[] notJson = Wire.gzip("{\"changesets\": [ {not json".getBytes(StandardCharsets.UTF_8));
        assertRefused(a.send(Wire.CHANGESETS, a.next(notJson, Secret.of(mesh.secret("a", "b"))), notJson), 400, "malformed");
        byte[] notABatch = Wire.gzip("{\"changesets\": [ {\"origin\": \"a\"} ]}".getBytes(StandardCharsets.UTF_8));
        assertRefused(a.send(Wire.CHANGESETS, a.next(notABatch, Secret.of(mesh.secret("a", "b"))), notABatch), 400, "malformed");
        byte[] notGzip = "{\"changesets\": []}".getBytes(StandardCharsets.UTF_8);
        assertRefused(a.send(Wire.CHANGESETS, a.next(notGzip, Secret.of(mesh.secret("a", "b"))), notGzip), 400, "malformed");
        assertNothingApplied();
    }
}
