package dev.converge.node.check;

import dev.converge.check.Difference;
import dev.converge.check.TableReport;
import dev.converge.model.RowImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A check's report as a person reads it: per table one line (rows on each side, same or how many keys differ), then
 * the first differing keys, one per line, with what differs:
 * <pre>
 * item: 1,002 rows here, 1,001 on B: 3 keys differ
 *   missing on B    {id=5}
 *   missing here    {id=7}
 *   values differ   {id=9}: qty here 5, on B 6
 * </pre>
 * Bounded: at most {@code maxKeys} keys per table, then how many more; long values cut short. Stateless.
 */
public final class CheckText {
    private static final int MAX_VALUE = 40;
    private static final int MAX_COLUMNS = 4;

    private CheckText() {
    }

    /** The lines of one table's report; {@code peer} names the other side. */
    public static List<String> lines(TableReport r, String peer, int maxKeys) {
        List<String> out = new ArrayList<>();
        String counts = String.format(Locale.ROOT, "%s: %,d rows here, %,d on %s: ", r.table(), r.rowsHere(), r.rowsThere(), peer);
        if (r.same()) {
            out.add(counts + "the same");
            return out;
        }
        out.add(counts + String.format(Locale.ROOT, "%s%,d %s differ", r.exact() ? "" : "at least ", r.differing(),
            r.differing() == 1 ? "key" : "keys"));
        List<Difference> shown = r.differences().subList(0, Math.min(maxKeys, r.differences().size()));
        for (Difference d : shown) {
            out.add(String.format(Locale.ROOT, "  %-15s %s%s", kind(d.kind(), peer), d.key(), detail(d, peer)));
        }
        long more = r.differing() - shown.size();
        if (more > 0) {
            out.add(String.format(Locale.ROOT, "  ... and %s%,d more", r.exact() ? "" : "at least ", more));
        }
        r.notes().forEach(n -> out.add("  note: " + n));
        return out;
    }

    static String kind(Difference.Kind kind, String peer) {
        return switch (kind) {
            case MISSING_HERE -> "missing here";
            case MISSING_THERE -> "missing on " + peer;
            case VALUES_DIFFER -> "values differ";
        };
    }

    /** For rows on both sides, the columns whose values differ; nothing else (the key says which row). */
    private static String detail(Difference d, String peer) {
        if (d.kind() != Difference.Kind.VALUES_DIFFER || d.here().isEmpty() || d.there().isEmpty()) {
            return "";
        }
        RowImage here = d.here().get();
        RowImage there = d.there().get();
        List<String> columns = new ArrayList<>();
        for (Map.Entry<String, Object> e : here.values().entrySet()) {
            Object theirs = there.get(e.getKey());
            if (!dev.converge.model.Values.same(e.getValue(), theirs)) {
                columns.add(e.getKey().toLowerCase(Locale.ROOT) + " here " + shown(e.getValue()) + ", on " + peer + " " + shown(theirs));
            }
        }
        if (columns.size() > MAX_COLUMNS) {
            int rest = columns.size() - MAX_COLUMNS;
            columns = new ArrayList<>(columns.subList(0, MAX_COLUMNS));
            columns.add("and " + rest + " more columns");
        }
        return columns.isEmpty() ? "" : ": " + String.join("; ", columns);
    }

    private static String shown(Object value) {
        String s = Optional.ofNullable(value).map(v -> v instanceof String ? "'" + v + "'" : v.toString()).orElse("null");
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE - 3) + "..." : s;
    }
}
