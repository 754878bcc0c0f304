package dev.converge.workbench.web.view;

/** One conflict: facts (what, when, who, which rule), its rows side by side, the rows of its ChangeSet for transaction scope, the decision taken if any, and what the person may do ({@code asOf} names the state shown, for the staleness check). Immutable. */
public record DetailView(Frame frame, long id, java.util.List<Fact> facts, java.util.List<ColumnRow> columns, boolean hasShadow, boolean hasCurrent, String currentNote, java.util.List<RowText> changeSetRows, java.util.List<Fact> decision, String asOf, boolean canResolve, boolean wholeChangeSet, boolean mergeable, String flash, String detail) {
}
