package dev.converge.workbench.web.view;

/** The frame of every page: its title, the node, who is logged in (null on the login page), the session's CSRF token for the logout form, and the section the navigation marks. Immutable. */
public record Frame(String title, String node, String user, String role, String csrf, String section) {
    /** Whether someone is logged in (the navigation and the logout button show). */
    public boolean loggedIn() {
        return user != null;
    }
}
