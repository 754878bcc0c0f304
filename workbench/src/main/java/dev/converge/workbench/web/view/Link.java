package dev.converge.workbench.web.view;

/** A link on a page (a status tab, a page of the list, a way back); {@code current} marks the one showing. Immutable. */
public record Link(String text, String href, boolean current) {
}
