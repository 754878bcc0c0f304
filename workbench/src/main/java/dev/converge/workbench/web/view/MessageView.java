package dev.converge.workbench.web.view;

/** A page that says one thing: a refusal, a result, a missing conflict. {@code kind} is {@code ok}, {@code refused} or {@code problem}. Immutable. */
public record MessageView(Frame frame, String heading, String message, java.util.List<String> details, String kind, Link back) {
}
