package dev.converge.node.peer;

/**
 * A request this node refuses: the HTTP status, a short reason code (the same in the response body, the log and the
 * {@code converge_requests_refused_total} metric) and a sentence that says what was wrong. Thrown inside request
 * handling only, before anything of the request is stored; never carries a secret.
 */
final class Refusal extends RuntimeException {
    private final int status;
    private final String reason;
    private final transient com.fasterxml.jackson.databind.node.ObjectNode rules;

    Refusal(int status, String reason, String message) {
        this(status, reason, message, null);
    }

    /** A refusal whose answer also carries this node's table rules (so the sender can name the difference itself). */
    Refusal(int status, String reason, String message, com.fasterxml.jackson.databind.node.ObjectNode rules) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.rules = rules;
    }

    /** The answer's JSON body. */
    byte[] body() {
        var o = dev.converge.model.ChangeSetCodec.mapper().createObjectNode().put("refused", reason).put("message", getMessage());
        if (rules != null) {
            o.set("rules", rules);
        }
        return Wire.bytes(o);
    }

    static Refusal malformed(String message) {
        return new Refusal(400, "malformed", message);
    }

    static Refusal tooLarge(String message) {
        return new Refusal(413, "too-large", message);
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
