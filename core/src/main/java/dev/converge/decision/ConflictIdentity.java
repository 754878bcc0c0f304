package dev.converge.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.ChangeSetId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One logical conflict, named alike on every peer: the table, the row's key (empty for a {@code transaction}
 * conflict) and the writes that met — the incoming ChangeSet and the local row's write, as ChangeSet ids. The pair is
 * unordered: where A's write met B's the record's local side is A's, where B's met A's it is B's, and both name the
 * same conflict. A record whose local row had no write since replication started names only the incoming write.
 * Immutable; {@link #toJson} and {@link #fromJson} carry it in a decision's metadata.
 */
public record ConflictIdentity(String table, Optional<RowKey> key, Set<ChangeSetId> writes) {
    public ConflictIdentity {
        Objects.requireNonNull(table);
        Objects.requireNonNull(key);
        TreeSet<ChangeSetId> sorted = new TreeSet<>(java.util.Comparator.comparing(ChangeSetId::toString));
        sorted.addAll(writes);
        writes = java.util.Collections.unmodifiableSet(sorted);
    }

    /** The identity of a recorded conflict. */
    public static ConflictIdentity of(ConflictRecord r) {
        Set<ChangeSetId> writes = new java.util.HashSet<>();
        writes.add(r.changeSet());
        if (r.type() != ConflictType.TRANSACTION) {
            r.localWrite().ifPresent(writes::add);
        }
        return new ConflictIdentity(r.table(), r.type() == ConflictType.TRANSACTION ? Optional.empty() : r.key(), writes);
    }

    /** Whether {@code r} records this conflict: same table (ignoring case), same key by value, same writes. */
    public boolean names(ConflictRecord r) {
        ConflictIdentity other = of(r);
        return table.equalsIgnoreCase(other.table) && writes.equals(other.writes) && sameKey(key, other.key);
    }

    private static boolean sameKey(Optional<RowKey> a, Optional<RowKey> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() && b.isEmpty();
        }
        return new RowImage(a.get().values()).sameAs(new RowImage(b.get().values()));
    }

    public String toJson() {
        ObjectNode root = ChangeSetCodec.mapper().createObjectNode();
        root.put("table", table);
        key.ifPresent(k -> root.set("key", readTree(ChangeSetCodec.imageToJson(new RowImage(k.values())))));
        var array = root.putArray("writes");
        writes.forEach(w -> array.add(w.toString()));
        return root.toString();
    }

    /** @throws IllegalArgumentException if {@code json} is not an identity {@link #toJson} wrote */
    public static ConflictIdentity fromJson(String json) {
        JsonNode root = readTree(json);
        if (!root.path("table").isTextual() || !root.path("writes").isArray()) {
            throw new IllegalArgumentException("not a conflict identity: " + json);
        }
        Optional<RowKey> key = root.has("key") ? Optional.of(new RowKey(ChangeSetCodec.imageFromJson(root.get("key").toString()).values()))
            : Optional.empty();
        Set<ChangeSetId> writes = new java.util.HashSet<>();
        root.get("writes").forEach(w -> writes.add(ChangeSetId.parse(w.asText())));
        return new ConflictIdentity(root.get("table").asText(), key, writes);
    }

    private static JsonNode readTree(String json) {
        try {
            return ChangeSetCodec.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a conflict identity: " + json, e);
        }
    }

    @Override
    public String toString() {
        return table + key.map(k -> " " + k).orElse("") + " " + writes;
    }
}
