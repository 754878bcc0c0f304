package dev.converge.workbench.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.ConflictPage;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.decision.Review;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowImage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON the API answers with: a conflict record, a page of them, a review. Row images and keys use the same value
 * encoding as ChangeSets (so a merged row can be sent back exactly as read), timestamps are ISO-8601 UTC with the
 * hybrid counter beside them. Stateless.
 */
final class ConflictJson {
    private static final JsonNodeFactory F = ChangeSetCodec.mapper().getNodeFactory();

    private ConflictJson() {
    }

    static ObjectNode page(ConflictPage page) {
        ObjectNode out = F.objectNode();
        var list = out.putArray("conflicts");
        page.records().forEach(r -> list.add(record(r)));
        if (page.next().isPresent()) {
            out.put("next", page.next().get());
        } else {
            out.putNull("next");
        }
        out.put("matching", page.matching());
        ObjectNode counts = out.putObject("byStatus");
        for (Map.Entry<ConflictStatus, Long> e : page.byStatus().entrySet()) {
            counts.put(e.getKey().word(), e.getValue());
        }
        return out;
    }

    static ObjectNode review(Review review) {
        ObjectNode out = F.objectNode();
        out.set("conflict", record(review.conflict()));
        ObjectNode rows = out.putObject("currentRows");
        review.currentRows().forEach((key, row) -> rows.set(key, image(row)));
        out.set("currentRow", review.conflict().key().isPresent() ? image(review.currentRow()) : F.nullNode());
        out.put("asOf", review.asOf());
        return out;
    }

    static ObjectNode record(ConflictRecord r) {
        ObjectNode out = F.objectNode();
        out.put("id", r.id());
        out.put("table", r.table());
        out.put("type", r.type().word());
        out.put("status", r.status().word());
        out.put("outcome", r.outcome().word());
        out.put("resolver", r.resolver());
        out.put("scope", r.scope().word());
        out.set("key", r.key().<JsonNode>map(k -> ChangeSetCodec.mapper().valueToTree(k.values())).orElse(F.nullNode()));
        out.put("detected", r.detectedTime().toString());
        out.put("detectedAt", r.detectedAt().value());
        ObjectNode local = out.putObject("local");
        local.put("origin", r.localOrigin().map(o -> o.value()).orElse(null));
        local.set("timestamp", r.localTimestamp().<JsonNode>map(ConflictJson::timestamp).orElse(F.nullNode()));
        local.set("sequence", r.localSequence().<JsonNode>map(F::numberNode).orElse(F.nullNode()));
        local.set("image", image(r.localImage()));
        ObjectNode remote = out.putObject("remote");
        remote.put("origin", r.remoteOrigin().value());
        remote.set("timestamp", timestamp(r.remoteTimestamp()));
        remote.put("sequence", r.changeSet().sequence());
        remote.set("image", image(r.remoteImage()));
        out.set("shadow", image(r.shadowImage()));
        out.put("detail", r.detail().orElse(null));
        if (r.decision().isPresent()) {
            var d = r.decision().get();
            ObjectNode decision = out.putObject("decision");
            decision.put("by", d.who());
            decision.put("when", d.when().toString());
            decision.put("at", d.decidedAt().value());
            decision.put("what", d.what());
            decision.put("comment", d.comment());
        } else {
            out.putNull("decision");
        }
        return out;
    }

    static ObjectNode timestamp(HybridTimestamp t) {
        ObjectNode out = F.objectNode();
        out.put("time", Instant.ofEpochMilli(t.physicalMillis()).toString());
        out.put("counter", t.logical());
        out.put("text", t.toString());
        return out;
    }

    static JsonNode image(Optional<RowImage> image) {
        return image.<JsonNode>map(i -> ChangeSetCodec.mapper().valueToTree(i.values())).orElse(F.nullNode());
    }

    static ObjectNode decided(dev.converge.decision.DecisionResult.Decided d) {
        ObjectNode out = F.objectNode();
        out.put("result", "decided");
        out.set("conflict", record(d.conflict()));
        out.put("recordsMarked", d.records().size());
        return out;
    }

    static ObjectNode bulk(dev.converge.decision.Decisions.BulkResult result) {
        ObjectNode out = F.objectNode();
        out.put("matched", result.matched());
        out.put("decided", result.decided());
        var refused = out.putArray("refused");
        result.refused().forEach(r -> refused.add(F.objectNode().put("id", r.conflictId()).put("reason", r.reason())));
        return out;
    }

    static ObjectNode error(String message) {
        return F.objectNode().put("error", message);
    }
}
