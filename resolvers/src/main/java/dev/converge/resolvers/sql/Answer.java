package dev.converge.resolvers.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.Resolution;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.RowImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What an SQL function answered, read strictly into a {@link Resolution}: anything else is a {@link Refused} whose
 * message says what was wrong, and the conflict is parked with it. The answer is a JSON object
 * {@code {"decision": WORD}}, with {@code "row": {...}} for {@code merge} — or the bare word as text:
 *
 * <ul>
 *   <li>{@code apply-remote}, {@code keep-local}, {@code park}, {@code ignore}: as the Java {@link Resolution}s;</li>
 *   <li>{@code merge} with {@code row}: that row is written (every replicated column it names; the key must be the
 *       conflict's — the engine checks it as for any resolver's merged row);</li>
 *   <li>{@code delete}: the row goes — the side that deleted it wins (the incoming delete is applied, or the local
 *       delete stays). Refused if neither write deletes the row: Converge writes one of the two writes or a merge of
 *       them, it does not invent a delete no peer made.</li>
 * </ul>
 *
 * Stateless.
 */
final class Answer {
    static final List<String> DECISIONS = List.of("apply-remote", "keep-local", "merge", "delete", "park", "ignore");

    private Answer() {
    }

    /** An answer that cannot be carried out. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    static Resolution read(String text, Conflict c) {
        if (text == null) {
            throw new Refused("answered NULL; expected a decision (" + String.join(", ", DECISIONS) + ")");
        }
        String trimmed = text.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("\"")) {
            return decision(trimmed, null, c);
        }
        JsonNode answer;
        try {
            answer = ChangeSetCodec.mapper().readTree(trimmed);
        } catch (JsonProcessingException e) {
            throw new Refused("answered text that is not JSON: " + shorten(trimmed));
        }
        if (answer.isTextual()) {
            return decision(answer.asText(), null, c);
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> keys = answer.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("decision") && !key.equals("row")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new Refused("answered unknown key(s) " + unknown + " (an answer has decision and, for merge, row): " + shorten(trimmed));
        }
        JsonNode decision = answer.get("decision");
        if (decision == null || !decision.isTextual()) {
            throw new Refused("answered no decision (one of " + String.join(", ", DECISIONS) + "): " + shorten(trimmed));
        }
        return decision(decision.asText(), answer.get("row"), c);
    }

    private static Resolution decision(String word, JsonNode row, Conflict c) {
        if (row != null && !row.isNull() && !word.equals("merge")) {
            throw new Refused("answered a row with decision " + word + "; only merge takes a row");
        }
        return switch (word) {
            case "apply-remote" -> Resolution.APPLY_REMOTE;
            case "keep-local" -> Resolution.KEEP_LOCAL;
            case "park" -> Resolution.PARK;
            case "ignore" -> Resolution.IGNORE;
            case "merge" -> new Resolution.Merge(row(row));
            case "delete" -> delete(c);
            default -> throw new Refused("answered the decision '" + shorten(word) + "' (known: " + String.join(", ", DECISIONS) + ")");
        };
    }

    private static RowImage row(JsonNode row) {
        if (row == null || !row.isObject()) {
            throw new Refused("answered merge without a row object ({\"decision\": \"merge\", \"row\": {column: value, ...}})");
        }
        try {
            return ChangeSetCodec.imageFromJson(row.toString());
        } catch (MalformedChangeSetException e) {
            throw new Refused("answered a merged row that is not an object of column to value: " + e.getMessage());
        }
    }

    private static Resolution delete(Conflict c) {
        if (c.remote().after().isEmpty()) {
            return Resolution.APPLY_REMOTE;
        }
        if (c.local().isEmpty()) {
            return Resolution.KEEP_LOCAL;
        }
        throw new Refused("answered delete, but neither write deletes the row (both keep it): Converge writes one of the two "
            + "writes or a merge of them, not a delete no peer made");
    }

    static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
