package dev.converge.workbench.web.view;

/** One column of the merge form: the values of both sides and of the row now, and the person's choice ({@code local}, {@code remote}, {@code typed}, {@code null}) and typed text. Key columns cannot change. Immutable. */
public record MergeColumn(String name, boolean key, String local, String remote, String current, String pick, String typed) {
}
