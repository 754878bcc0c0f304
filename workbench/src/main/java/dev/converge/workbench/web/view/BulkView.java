package dev.converge.workbench.web.view;

/** The confirmation of a bulk decision: the filter in words, how many conflicts it matches now, the rule, the filter carried in hidden fields. Immutable. */
public record BulkView(Frame frame, String filterText, long count, String rule, String ruleText, java.util.List<Hidden> filter, Link back, String problem) {
}
