package dev.converge.workbench.web.merge;

import dev.converge.conflict.ConflictRecord;
import dev.converge.model.RowImage;
import dev.converge.model.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A column-by-column merge as the merge form sends it: per column, {@code pick:COLUMN} says where its value comes from
 * — {@code local} (this node's row in the conflict), {@code remote} (the incoming row), {@code typed} (the text in
 * {@code typed:COLUMN}, see {@link TypedValue}) or {@code null} (no value) — and the key columns always keep the
 * conflict's key. {@link #row()} is the merged row for {@code Decision.MergedRow}, or the problems with the choices.
 * Immutable.
 */
public final class MergeForm {
    /** One column: its name, whether it is part of the key, the choice and typed text, and the values it picks from. */
    public record Column(String name, boolean key, String pick, String typed, Object local, Object remote, Object current) {
    }

    /** A column of the merged row: its value and where it came from. */
    public record Cell(String column, Object value, String source, boolean changes) {
    }

    /** The merged row and its cells, or the problems with the choices (then {@code row} is empty). */
    public record Result(Optional<RowImage> row, List<Cell> cells, List<String> problems) {
    }

    private final ConflictRecord conflict;
    private final List<Column> columns;
    private final Optional<RowImage> current;

    private MergeForm(ConflictRecord conflict, List<Column> columns, Optional<RowImage> current) {
        this.conflict = conflict;
        this.columns = List.copyOf(columns);
        this.current = current;
    }

    /**
     * The form for {@code conflict} (a row conflict) with the choices {@code param} reads (null where absent: the
     * default is the local side where it has the column, else the incoming side), over {@code names}, the columns shown.
     */
    public static MergeForm read(ConflictRecord conflict, Optional<RowImage> current, List<String> names, UnaryOperator<String> param) {
        List<Column> cols = new ArrayList<>();
        for (String n : names) {
            boolean key = conflict.key().map(k -> k.values().keySet().stream().anyMatch(n::equalsIgnoreCase)).orElse(false);
            Object local = conflict.localImage().map(i -> i.get(n)).orElse(null);
            Object remote = conflict.remoteImage().map(i -> i.get(n)).orElse(null);
            String pick = param.apply("pick:" + n);
            if (pick == null || !List.of("local", "remote", "typed", "null").contains(pick)) {
                pick = conflict.localImage().filter(i -> i.has(n)).isPresent() ? "local" : "remote";
            }
            String typed = Optional.ofNullable(param.apply("typed:" + n)).orElse("");
            cols.add(new Column(n, key, key ? "key" : pick, typed, local, remote, current.map(i -> i.get(n)).orElse(null)));
        }
        return new MergeForm(conflict, cols, current);
    }

    public List<Column> columns() {
        return columns;
    }

    /** The merged row, or why it cannot be made. */
    public Result row() {
        Map<String, Object> values = new LinkedHashMap<>();
        List<Cell> cells = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Column c : columns) {
            Object value;
            String source;
            switch (c.pick()) {
                case "key" -> {
                    value = conflict.key().map(k -> new RowImage(k.values()).get(c.name())).orElse(null);
                    source = "the row's key (cannot change)";
                }
                case "remote" -> {
                    value = c.remote();
                    source = "the incoming row";
                }
                case "typed" -> {
                    try {
                        value = TypedValue.of(c.typed(), java.util.Arrays.asList(c.local(), c.remote(), c.current()));
                    } catch (IllegalArgumentException e) {
                        problems.add(c.name() + ": " + e.getMessage());
                        continue;
                    }
                    source = "typed";
                }
                case "null" -> {
                    value = null;
                    source = "no value";
                }
                default -> {
                    value = c.local();
                    source = "this node's row";
                }
            }
            values.put(c.name(), value);
            boolean changes = current.isEmpty() || !Values.same(Values.canonical(value), c.current());
            cells.add(new Cell(c.name(), value, source, changes));
        }
        if (!problems.isEmpty()) {
            return new Result(Optional.empty(), cells, problems);
        }
        return new Result(Optional.of(new RowImage(values)), cells, List.of());
    }

    /** The choices as form fields, to carry from the preview to the confirmation. */
    public Map<String, String> fields() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Column c : columns) {
            if (!c.key()) {
                out.put("pick:" + c.name(), c.pick());
                if (c.pick().equals("typed")) {
                    out.put("typed:" + c.name(), c.typed());
                }
            }
        }
        return out;
    }
}
