package dev.converge.workbench.web.view;

/** A labelled value on a page, with an optional explanation in plain words ({@code note}, may be empty). Immutable. */
public record Fact(String label, String value, String note) {
}
