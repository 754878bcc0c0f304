package dev.converge.node.conflicts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workbench API's answers as text a person reads in a terminal: a conflict list as a table with the counts per
 * status and how to get the next page, one conflict with its images side by side (differing columns marked), a
 * decision's result. Stateless.
 */
public final class ConflictText {
    private static final int MAX_CELL = 40;

    private ConflictText() {
    }

    /** A page of the list ({@code GET /api/v1/conflicts}'s answer). */
    public static List<String> list(JsonNode page) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "DETECTED", "TABLE", "KEY", "TYPE", "STATUS", "OUTCOME", "RESOLVER", "LOCAL/REMOTE ORIGIN"));
        for (JsonNode c : page.path("conflicts")) {
            rows.add(List.of(c.path("id").asText(), c.path("detected").asText(), c.path("table").asText(), key(c.path("key")),
                c.path("type").asText(), c.path("status").asText(), c.path("outcome").asText(), c.path("resolver").asText(),
                text(c.path("local").path("origin"), "-") + "/" + c.path("remote").path("origin").asText()));
        }
        List<String> lines = rows.size() == 1 ? new ArrayList<>(List.of("no conflict matches")) : table(rows);
        List<String> counts = new ArrayList<>();
        page.path("byStatus").fields().forEachRemaining(e -> counts.add(e.getKey() + " " + e.getValue().asLong()));
        lines.add((rows.size() - 1) + " shown of " + page.path("matching").asLong() + " matching"
            + (counts.isEmpty() ? "" : " (by status, other filters applied: " + String.join(", ", counts) + ")"));
        if (page.hasNonNull("next")) {
            lines.add("next page: add --after " + page.get("next").asText());
        }
        return lines;
    }

    /** One conflict ({@code GET /api/v1/conflicts/{id}}'s answer). */
    public static List<String> show(JsonNode review) {
        JsonNode c = review.path("conflict");
        List<String> lines = new ArrayList<>();
        lines.add("conflict " + c.path("id").asText() + " on " + c.path("table").asText() + " " + key(c.path("key")) + ": "
            + c.path("type").asText() + ", " + c.path("status").asText());
        lines.add("detected " + c.path("detected").asText() + " at " + c.path("detectedAt").asText() + "; resolver "
            + c.path("resolver").asText() + " (" + c.path("scope").asText() + " scope) -> " + c.path("outcome").asText());
        lines.add("local:  " + side(c.path("local")));
        lines.add("remote: " + side(c.path("remote")));
        if (c.hasNonNull("detail")) {
            lines.add("detail: " + c.get("detail").asText());
        }
        JsonNode now = review.path("currentRow");
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode image : List.of(c.path("local").path("image"), c.path("remote").path("image"), c.path("shadow"), now)) {
            image.fieldNames().forEachRemaining(columns::add);
        }
        if (!columns.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("", "COLUMN", "LOCAL", "REMOTE", "SHADOW", "NOW HERE"));
            for (String col : columns) {
                JsonNode l = c.path("local").path("image").path(col);
                JsonNode r = c.path("remote").path("image").path(col);
                rows.add(List.of(l.equals(r) ? "" : "*", col, cell(c.path("local").path("image"), col), cell(c.path("remote").path("image"), col),
                    cell(c.path("shadow"), col), cell(now, col)));
            }
            lines.addAll(table(rows));
            lines.add("(* the local and remote values differ; '(none)' where that side has no row)");
        } else if (review.path("currentRows").size() > 0) {
            lines.add("rows of the ChangeSet as they stand here:");
            review.path("currentRows").fields().forEachRemaining(e -> lines.add("  " + e.getKey() + ": "
                + (e.getValue().isNull() ? "(absent)" : e.getValue().toString())));
        }
        if (c.hasNonNull("decision")) {
            JsonNode d = c.get("decision");
            lines.add("decided: " + d.path("what").asText() + " by " + d.path("by").asText() + " at " + d.path("at").asText() + " on "
                + d.path("when").asText() + (d.path("comment").asText().isEmpty() ? "" : " — " + d.path("comment").asText()));
        }
        lines.add("as of: " + review.path("asOf").asText() + "  (pass it to resolve with --as-of so a decision never overwrites a"
            + " row changed since)");
        return lines;
    }

    /** The answer to a decision. */
    public static String decided(JsonNode answer) {
        JsonNode c = answer.path("conflict");
        return "conflict " + c.path("id").asText() + " resolved by hand: " + c.path("decision").path("what").asText() + " ("
            + answer.path("recordsMarked").asInt() + " record(s) of it marked here; the decision replicates to every peer)";
    }

    /** The answer to a bulk decision. */
    public static List<String> bulk(JsonNode answer) {
        List<String> lines = new ArrayList<>();
        lines.add(answer.path("decided").asInt() + " of " + answer.path("matched").asInt() + " matching conflict(s) decided");
        for (JsonNode r : answer.path("refused")) {
            lines.add("  conflict " + r.path("id").asText() + " refused: " + r.path("reason").asText());
        }
        return lines;
    }

    private static String side(JsonNode side) {
        if (side.path("origin").isNull() || side.path("origin").isMissingNode()) {
            return "no write since replication started";
        }
        JsonNode ts = side.path("timestamp");
        return "written at " + side.path("origin").asText() + (ts.isObject() ? " at " + ts.path("time").asText() + " (counter "
            + ts.path("counter").asInt() + ")" : "") + (side.hasNonNull("sequence") ? ", ChangeSet " + side.get("sequence").asText() : "");
    }

    private static String key(JsonNode key) {
        if (key == null || key.isNull() || key.isMissingNode()) {
            return "(whole transaction)";
        }
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(e.getKey() + "=" + e.getValue().asText());
        }
        return String.join(",", parts);
    }

    private static String cell(JsonNode image, String column) {
        if (image == null || image.isNull() || image.isMissingNode()) {
            return "(none)";
        }
        JsonNode v = image.get(column);
        return v == null ? "" : v.isNull() ? "NULL" : text(v, "");
    }

    private static String text(JsonNode v, String absent) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return absent;
        }
        String s = v.isValueNode() ? v.asText() : v.toString();
        s = s.replace('\n', ' ').replace('\t', ' ');
        return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 1) + "…" : s;
    }

    private static List<String> table(List<List<String>> rows) {
        int[] width = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                b.append(i == 0 ? "" : "  ").append(row.get(i)).append(" ".repeat(width[i] - row.get(i).length()));
            }
            lines.add(b.toString().stripTrailing());
        }
        return lines;
    }
}
