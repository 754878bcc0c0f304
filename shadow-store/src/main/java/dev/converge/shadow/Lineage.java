package dev.converge.shadow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * What a row's version keeps for a resolver that decides by the writes each side made since they forked ({@code
 * earliest}, {@code site-priority}, {@code delete-wins}: see {@code docs/design/converging-pick-resolvers.md}).
 *
 * <ul>
 *   <li>{@link #seen}: the causal history of the write the content comes from, as a vector — per origin, the highest
 *       sequence of it in that history (the write's own, or what its origin had applied when it wrote). A write
 *       {@code (o, s)} of the row is in the content's history iff {@code seen[o] >= s}: an origin's writes are
 *       applied everywhere in order, so this is exact.</li>
 *   <li>{@link #writes}: every write applied to the row at this node — the content's, the ones it followed, and the
 *       ones that lost here — except those every later comparison holds on both sides (in the content's history and
 *       seen by every peer: {@link #trimmed}). Apply delivers a ChangeSet only after its dependencies, so the history
 *       of every incoming write, minus the write itself, is among these: the receiver reconstructs it from its own
 *       list, and nothing extra travels on the wire.</li>
 * </ul>
 *
 * <p>Immutable.
 */
public record Lineage(Map<String, Long> seen, List<Entry> writes) {
    /** No lineage kept (a table whose resolver compares the latest writes only, or a row from before it was kept). */
    public static final Lineage NONE = new Lineage(Map.of(), List.of());

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::origin).thenComparingLong(Entry::sequence);

    public Lineage {
        seen = Collections.unmodifiableMap(new TreeMap<>(seen));
        List<Entry> sorted = new ArrayList<>(writes);
        sorted.sort(ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            if (ORDER.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
                sorted.remove(i--); // a write listed twice is one write
            }
        }
        writes = List.copyOf(sorted);
    }

    /** One write of the row: its origin, that origin's ChangeSet sequence, its packed hybrid timestamp, whether it deleted. */
    public record Entry(String origin, long sequence, long timestamp, boolean deleted) {
        public Entry {
            Objects.requireNonNull(origin);
        }
    }

    public boolean isEmpty() {
        return seen.isEmpty() && writes.isEmpty();
    }

    /**
     * The lineage a row's version keeps, or for a version written before its table kept one, what the version itself
     * says: its writes, each standing for its origin's history through it (earlier writes taken as common to both
     * sides). {@link #NONE} for no version.
     */
    public static Lineage of(java.util.Optional<RowVersion> version) {
        if (version.isEmpty()) {
            return NONE;
        }
        RowVersion v = version.get();
        if (!v.lineage().isEmpty()) {
            return v.lineage();
        }
        Map<String, Long> s = new TreeMap<>();
        List<Entry> w = new ArrayList<>();
        v.writes().forEach((origin, write) -> {
            s.put(origin, write.sequence());
            w.add(new Entry(origin, write.sequence(), write.timestamp(), v.deleted() && origin.equals(v.origin())));
        });
        return new Lineage(s, w);
    }

    /** As JSON: {@code {"seen":{origin: sequence},"writes":[[origin, sequence, packed timestamp, deleted], ...]}}. */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        var root = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        var s = root.putObject("seen");
        seen.forEach(s::put);
        var w = root.putArray("writes");
        writes.forEach(e -> w.addArray().add(e.origin()).add(e.sequence()).add(e.timestamp()).add(e.deleted()));
        return root;
    }

    /** The lineage {@link #toJson} wrote; {@link #NONE} for a missing or null node. */
    public static Lineage fromJson(com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return NONE;
        }
        Map<String, Long> s = new TreeMap<>();
        node.path("seen").fields().forEachRemaining(e -> s.put(e.getKey(), e.getValue().asLong()));
        List<Entry> w = new ArrayList<>();
        node.path("writes").forEach(e -> w.add(new Entry(e.get(0).asText(), e.get(1).asLong(), e.get(2).asLong(), e.get(3).asBoolean())));
        return new Lineage(s, w);
    }

    /** Whether the write {@code (origin, sequence)} is in the history of the content. */
    public boolean holds(String origin, long sequence) {
        return seen.getOrDefault(origin, 0L) >= sequence;
    }

    /** A vector's membership test, for an incoming write's history: its origin's earlier writes and its dependencies. */
    public static boolean holds(Map<String, Long> history, String origin, long sequence) {
        return history.getOrDefault(origin, 0L) >= sequence;
    }

    /**
     * The history vector of a write of {@code origin} with {@code sequence} that had {@code dependencies} applied
     * (other origins to their highest sequence) when it wrote.
     */
    public static Map<String, Long> history(String origin, long sequence, Map<String, Long> dependencies) {
        Map<String, Long> out = new TreeMap<>(dependencies);
        out.merge(origin, sequence, Math::max);
        return out;
    }

    /**
     * The lineage after {@code write} was applied to the row (or written here): {@code contentHistory} is the history
     * vector of the row's content afterwards — {@code write}'s own when it became the content, this lineage's
     * {@link #seen} when it lost — and {@code write} joins the writes applied here.
     */
    public Lineage after(Entry write, Map<String, Long> contentHistory) {
        List<Entry> all = new ArrayList<>(writes);
        all.add(write);
        return new Lineage(contentHistory, all);
    }

    /**
     * This lineage without the writes no later comparison can tell apart: those in the content's history that every
     * peer has seen ({@code horizon}: per origin, the highest sequence of it every peer's later ChangeSets depend on,
     * the horizon tombstones are purged by). Every write that can still arrive, and every later content, has them in
     * its history, so they are never in the difference two histories are compared by.
     */
    public Lineage trimmed(ToLongFunction<String> horizon) {
        List<Entry> kept = new ArrayList<>();
        for (Entry e : writes) {
            if (!(holds(e.origin(), e.sequence()) && e.sequence() <= horizon.applyAsLong(e.origin()))) {
                kept.add(e);
            }
        }
        return kept.size() == writes.size() ? this : new Lineage(seen, kept);
    }
}
