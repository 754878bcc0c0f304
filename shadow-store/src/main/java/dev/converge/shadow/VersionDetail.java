package dev.converge.shadow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code cv_version} column: what a version holds beyond its latest write, as JSON text — NULL for a row made of
 * one write with no column stamps of its own, which is nearly every row. Keys sorted, so equal versions are equal
 * texts on every peer:
 *
 * <pre>{@code {"writes":{"B":[1,7012...]},"columns":{"V":[7012...,"A",3],"W":[0,null,0]}}}</pre>
 *
 * {@code writes}: the other concurrent writes, origin to [sequence, packed timestamp]; {@code columns}: column to
 * [packed timestamp, origin, sequence] of the write that last changed it; {@code decision}: {@code true} when the
 * latest write was a person's decision (absent otherwise); {@code lineage}: the content's history vector ({@code
 * seen}, origin to sequence) and the writes applied to the row ({@code writes}, each [origin, sequence, packed
 * timestamp, deleted]), for a table whose resolver compares histories ({@link Lineage}). Stateless and thread-safe.
 */
final class VersionDetail {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Parsed(Map<String, RowVersion.Write> writes, Map<String, RowVersion.ColumnStamp> columns, boolean decision, Lineage lineage) {
        static final Parsed NONE = new Parsed(Map.of(), Map.of(), false, Lineage.NONE);
    }

    private VersionDetail() {
    }

    static Optional<String> json(RowVersion v) {
        if (!v.hasDetail()) {
            return Optional.empty();
        }
        ObjectNode root = JSON.createObjectNode();
        if (v.decision()) {
            root.put("decision", true);
        }
        if (!v.concurrent().isEmpty()) {
            ObjectNode writes = root.putObject("writes");
            v.concurrent().forEach((origin, w) -> writes.putArray(origin).add(w.sequence()).add(w.timestamp()));
        }
        if (!v.columns().isEmpty()) {
            ObjectNode columns = root.putObject("columns");
            v.columns().forEach((column, s) -> columns.putArray(column).add(s.timestamp()).add(s.origin()).add(s.sequence()));
        }
        if (!v.lineage().isEmpty()) {
            root.set("lineage", v.lineage().toJson());
        }
        return Optional.of(root.toString());
    }

    static Parsed parse(String json) {
        if (json == null) {
            return Parsed.NONE;
        }
        try {
            JsonNode root = JSON.readTree(json);
            Map<String, RowVersion.Write> writes = new TreeMap<>();
            Map<String, RowVersion.ColumnStamp> columns = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("writes").fields(); it.hasNext(); ) {
                var e = it.next();
                writes.put(e.getKey(), new RowVersion.Write(e.getValue().get(0).asLong(), e.getValue().get(1).asLong()));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("columns").fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode origin = e.getValue().get(1);
                columns.put(e.getKey(), new RowVersion.ColumnStamp(e.getValue().get(0).asLong(), origin.isNull() ? null : origin.asText(),
                    e.getValue().get(2).asLong()));
            }
            return new Parsed(writes, columns, root.path("decision").asBoolean(false), Lineage.fromJson(root.path("lineage")));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("unreadable row version detail in a shadow table: " + json, e);
        }
    }
}
