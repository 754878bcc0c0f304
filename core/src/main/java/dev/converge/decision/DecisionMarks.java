package dev.converge.decision;

import static dev.converge.install.MetaTables.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.clock.HybridTimestamp;
import dev.converge.model.Change;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jooq.DSLContext;

/**
 * The sequencer's hook: which local transactions are decisions, the metadata their ChangeSets carry, and the rows they
 * decided (all written by {@link Decisions} in {@code cv_decision}, in the decision's own transaction). One look-up by
 * primary key per batch of transactions. Stateless; works in the caller's transaction.
 */
public final class DecisionMarks {
    private DecisionMarks() {
    }

    /**
     * What marks one decision transaction: its ChangeSet's {@code metadata}, and the rows it set (as {@code
     * decided_rows} holds them).
     */
    public record Mark(Map<String, String> metadata, List<DecidedRow> rows) {
        public Mark {
            metadata = Map.copyOf(metadata);
            rows = List.copyOf(rows);
        }

        /**
         * The decision's net effect {@code net} with a change added for every decided row it has none for — a row the
         * decision set to the image it already had, which net-effect evaluation drops — so that every decided row
         * travels, and its version is marked a decision's, on every peer: an update from the image to itself, or a delete
         * of the row's last image. {@code tableName} gives a table's name as the sequencer knows it ({@code null} if it
         * replicates it no more); {@code ts} is the transaction's timestamp.
         */
        public List<Change> complete(List<Change> net, HybridTimestamp ts, UnaryOperator<String> tableName) {
            List<Change> out = new ArrayList<>(net);
            for (DecidedRow r : rows) {
                String table = tableName.apply(r.table());
                if (table == null || net.stream().anyMatch(c -> c.table().equalsIgnoreCase(table) && sameKey(c.key(), r.key()))) {
                    continue;
                }
                out.add(r.row().<Change>map(image -> new Change.Update(table, r.key(), image, image, ts))
                    .orElseGet(() -> new Change.Delete(table, r.key(), r.before(), ts)));
            }
            return out;
        }
    }

    /** One row a decision set: to {@code row}, or deleted (empty); {@code before} is its last known image. */
    public record DecidedRow(String table, RowKey key, Optional<RowImage> row, RowImage before) {
    }

    /** The marks of those of {@code txKeys} that are decisions, by transaction key; the others are absent. */
    public static Map<String, Mark> of(DSLContext ctx, Collection<String> txKeys) {
        Map<String, Mark> out = new HashMap<>();
        if (txKeys.isEmpty()) {
            return out;
        }
        List<String> keys = List.copyOf(txKeys);
        for (int from = 0; from < keys.size(); from += 500) {
            ctx.select(D_TX, D_METADATA, D_ROWS).from(DECISIONS).where(D_TX.in(keys.subList(from, Math.min(keys.size(), from + 500))))
                .fetch().forEach(r -> out.put(r.value1(), new Mark(parse(r.value2()), rows(r.value3()))));
        }
        return out;
    }

    static String json(Map<String, String> metadata) {
        return ChangeSetCodec.mapper().valueToTree(metadata).toString();
    }

    static String rowsJson(List<DecidedRow> rows) {
        ArrayNode array = ChangeSetCodec.mapper().createArrayNode();
        for (DecidedRow r : rows) {
            ObjectNode o = array.addObject();
            o.put("table", r.table());
            o.set("key", tree(ChangeSetCodec.imageToJson(new RowImage(r.key().values()))));
            r.row().ifPresent(image -> o.set("row", tree(ChangeSetCodec.imageToJson(image))));
            o.set("before", tree(ChangeSetCodec.imageToJson(r.before())));
        }
        return array.toString();
    }

    private static List<DecidedRow> rows(String json) {
        if (json == null) {
            return List.of();
        }
        List<DecidedRow> out = new ArrayList<>();
        for (JsonNode o : tree(json)) {
            out.add(new DecidedRow(o.get("table").asText(), new RowKey(ChangeSetCodec.imageFromJson(o.get("key").toString()).values()),
                o.has("row") ? Optional.of(ChangeSetCodec.imageFromJson(o.get("row").toString())) : Optional.empty(),
                ChangeSetCodec.imageFromJson(o.get("before").toString())));
        }
        return out;
    }

    private static boolean sameKey(RowKey a, RowKey b) {
        return new RowImage(a.values()).sameAs(new RowImage(b.values()));
    }

    private static JsonNode tree(String json) {
        try {
            return ChangeSetCodec.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable decision rows in cv_decision: " + json, e);
        }
    }

    private static Map<String, String> parse(String json) {
        try {
            return ChangeSetCodec.mapper().readValue(json, new TypeReference<Map<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable decision metadata in cv_decision: " + json, e);
        }
    }
}
