package dev.converge.decision;

import static dev.converge.install.MetaTables.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.converge.model.ChangeSetCodec;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The sequencer's hook: which local transactions are decisions, and the metadata their ChangeSets carry (written by
 * {@link Decisions} in {@code cv_decision}, in the decision's own transaction). One look-up by primary key per batch of
 * transactions. Stateless; works in the caller's transaction.
 */
public final class DecisionMarks {
    private DecisionMarks() {
    }

    /** The metadata of those of {@code txKeys} that are decisions, by transaction key; the others are absent. */
    public static Map<String, Map<String, String>> metadata(DSLContext ctx, Collection<String> txKeys) {
        Map<String, Map<String, String>> out = new HashMap<>();
        if (txKeys.isEmpty()) {
            return out;
        }
        List<String> keys = List.copyOf(txKeys);
        for (int from = 0; from < keys.size(); from += 500) {
            ctx.select(D_TX, D_METADATA).from(DECISIONS).where(D_TX.in(keys.subList(from, Math.min(keys.size(), from + 500))))
                .fetch().forEach(r -> out.put(r.value1(), parse(r.value2())));
        }
        return out;
    }

    static String json(Map<String, String> metadata) {
        return ChangeSetCodec.mapper().valueToTree(metadata).toString();
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
