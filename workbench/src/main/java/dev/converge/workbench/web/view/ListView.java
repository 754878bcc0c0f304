package dev.converge.workbench.web.view;

/** The conflict list: status tabs with counts, the filter form's state and choices, a page of conflicts, links to the first and the next page ({@code next} null on the last), and the bulk form (resolvers only) carrying the filter. Immutable. */
public record ListView(Frame frame, java.util.List<Link> tabs, java.util.List<ConflictRow> rows, java.util.List<Choice> tables, java.util.List<Choice> types, java.util.List<Choice> origins, java.util.List<Choice> sorts, String status, String key, String from, String until, long matching, Link first, Link next, String problem, boolean canResolve, java.util.List<Hidden> filter, boolean filtered) {
}
