package dev.converge.workbench.web.view;

/** A hidden form field that carries a value to the next step (a filter, a merge choice). Immutable. */
public record Hidden(String name, String value) {
}
