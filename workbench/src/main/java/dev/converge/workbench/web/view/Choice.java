package dev.converge.workbench.web.view;

/** One option of a select box. Immutable. */
public record Choice(String value, String text, boolean selected) {
}
