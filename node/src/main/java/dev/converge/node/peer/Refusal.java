package dev.converge.node.peer;

/**
 * A request this node refuses: the HTTP status, a short reason code (the same in the response body, the log and the
 * {@code converge_requests_refused_total} metric) and a sentence that says what was wrong. Thrown inside request
 * handling only, before anything of the request is stored; never carries a secret.
 */
final class Refusal extends RuntimeException {
    private final int status;
    private final String reason;

    Refusal(int status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
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
