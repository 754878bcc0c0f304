package dev.converge.workbench.api;

/** A request the API cannot serve as sent; its message says what was expected and becomes the 400 answer's error. */
final class BadRequest extends RuntimeException {
    BadRequest(String message) {
        super(message, null, false, false);
    }
}
