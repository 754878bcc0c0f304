package dev.converge.node.peer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of requests and responses between two peers, under the pair's {@link Secret}. What is signed
 * is one line per element, so no element can run into the next: a fixed label and the direction, the method (or, for
 * a response, its status), the path, both node ids, the session and counter, and the SHA-256 of the body as it travels
 * (compressed). A response is signed with the session and counter of its request, so an old answer cannot be passed
 * off as the answer to a new request.
 *
 * <p>Stateless and thread-safe; a {@link Mac} is made per call (cheap next to a request).
 */
final class Signature {
    private static final String LABEL = "converge-v1";

    private Signature() {
    }

    /** The hex SHA-256 of {@code body}. */
    static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The signature of a request from {@code sender} to {@code receiver}. */
    static byte[] request(Secret secret, String method, String path, String sender, String receiver, String session,
                          long counter, String bodyDigest) {
        return mac(secret, String.join("\n", LABEL, "request", method, path, sender, receiver, session, Long.toString(counter), bodyDigest));
    }

    /** The signature of the answer {@code responder} gives {@code requester} with {@code status}. */
    static byte[] response(Secret secret, int status, String path, String responder, String requester, String session,
                           long counter, String bodyDigest) {
        return mac(secret, String.join("\n", LABEL, "response", Integer.toString(status), path, responder, requester, session,
            Long.toString(counter), bodyDigest));
    }

    /** Compares in time that does not depend on where the first difference is. */
    static boolean matches(byte[] expected, byte[] given) {
        return given != null && MessageDigest.isEqual(expected, given);
    }

    private static byte[] mac(Secret secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
