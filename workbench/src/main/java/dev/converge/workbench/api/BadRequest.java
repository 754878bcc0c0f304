package dev.converge.workbench.api;

/**
 * A request the API cannot serve as sent; its message says what was expected and becomes the 400 answer's error. An
 * {@link IllegalArgumentException}, so callers outside the package (the web pages) catch it as that.
 */
final class BadRequest extends IllegalArgumentException {
    BadRequest(String message) {
        super(message);
    }
}
