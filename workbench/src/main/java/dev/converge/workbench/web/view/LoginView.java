package dev.converge.workbench.web.view;

/** The login page: where to go after it, the login form's CSRF token, the name typed before, and why the last try failed (null if none). Immutable. */
public record LoginView(Frame frame, String then, String csrf, String name, String problem) {
}
