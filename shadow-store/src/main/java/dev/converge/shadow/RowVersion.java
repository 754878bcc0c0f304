package dev.converge.shadow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the shadow table knows of one row: its version — which writes its content is made of — and, when the last
 * write was a delete, the deleted image as JSON.
 *
 * <h2>The version</h2>
 * A row's content is made of one write, or of several concurrent writes that a resolver merged. The version names
 * them: the <b>latest</b> ({@link #timestamp}, {@link #origin}, {@link #originSequence}: the greatest by timestamp,
 * then origin — what the timestamp rule compares against and what a tombstone is purged by) and the
 * <b>{@link #concurrent}</b> others, at most one per origin (two writes of one origin are never concurrent). A write
 * stands for itself and for everything in its causal past, so the version is the causal history of the content, kept
 * as its maximal writes: a version vector (origin to sequence) whose entries are pairwise concurrent. That makes it
 * <ul>
 *   <li><b>exact for detection</b>: an incoming write saw the content iff it saw every one of these writes
 *       ({@link #seenBy}) — for one write this is the usual "the last write is in the change's causal past";</li>
 *   <li><b>a join-semilattice</b>: merging an incoming write keeps it and those local writes it had not seen
 *       ({@link #merged}); the result depends only on the set of writes merged, not on the order, so every peer
 *       that merged the same writes holds the same version;</li>
 *   <li><b>small</b>: a row written by writes that saw each other has one write, as before merges existed; a local
 *       write always saw everything its row holds (it is a write of this node, which applied all of it), so it needs
 *       no read of the previous version.</li>
 * </ul>
 *
 * <h2>Column stamps</h2>
 * For tables whose resolver merges, the version also says which write last changed each replicated column
 * ({@link #columns}, a {@link ColumnStamp} per column; only those that differ from the latest write are kept, so a
 * row written whole has none). Per column, stamps form a lattice too (the greater stamp wins), so a
 * per-column merge ("column-merge") is a join and converges. A column untouched since replication started carries
 * {@link ColumnStamp#BEFORE_REPLICATION}.
 *
 * <h2>Decisions</h2>
 * {@link #decision} says that the latest write was a person's decision (a workbench decision transaction): such a
 * write beats every concurrent write that is not a decision, whatever the table's resolver, and a later decision beats
 * an earlier concurrent one. It is part of the version so that every peer compares alike, whichever of the two writes
 * it holds. A version of a decision is always one write (a decision is never merged).
 *
 * <h2>Lineage</h2>
 * For a table whose resolver decides by the writes each side made since they forked, the version also keeps the
 * {@link Lineage}: the content's causal history as a vector and the writes applied to the row here. Empty elsewhere.
 *
 * <p>Immutable; the operations are pure. {@code originSequence} is empty only for a version of a local write recorded
 * before sequencing gave it one (then {@code localTransaction} names it).
 */
public record RowVersion(List<Object> key, long timestamp, String origin, Optional<Long> originSequence,
                         Optional<String> localTransaction, boolean deleted, Optional<String> deletedImage,
                         Map<String, Write> concurrent, Map<String, ColumnStamp> columns, boolean decision, Lineage lineage) {
    /** A version without lineage. */
    public RowVersion(List<Object> key, long timestamp, String origin, Optional<Long> originSequence, Optional<String> localTransaction,
                      boolean deleted, Optional<String> deletedImage, Map<String, Write> concurrent, Map<String, ColumnStamp> columns,
                      boolean decision) {
        this(key, timestamp, origin, originSequence, localTransaction, deleted, deletedImage, concurrent, columns, decision, Lineage.NONE);
    }

    /** A version whose latest write was not a decision. */
    public RowVersion(List<Object> key, long timestamp, String origin, Optional<Long> originSequence, Optional<String> localTransaction,
                      boolean deleted, Optional<String> deletedImage, Map<String, Write> concurrent, Map<String, ColumnStamp> columns) {
        this(key, timestamp, origin, originSequence, localTransaction, deleted, deletedImage, concurrent, columns, false);
    }

    public RowVersion {
        key = Collections.unmodifiableList(new ArrayList<>(key));
        Objects.requireNonNull(origin);
        concurrent = Collections.unmodifiableMap(new TreeMap<>(concurrent));
        columns = Collections.unmodifiableMap(new TreeMap<>(columns));
        Objects.requireNonNull(lineage);
        if (concurrent.containsKey(origin)) {
            throw new IllegalArgumentException("two concurrent writes of one origin " + origin + " in a version");
        }
    }

    /** One write a row is made of, besides the latest: its origin's ChangeSet sequence and its packed hybrid timestamp. */
    public record Write(long sequence, long timestamp) {
    }

    /**
     * The write that last changed a column: its packed hybrid timestamp, origin (null for a value from before
     * replication started) and origin sequence. Ordered by timestamp, then origin (a null origin first), then sequence:
     * two writes of one origin may share a timestamp (written between two sequencings), and the later one must win;
     * a write that saw another of another origin always has a greater timestamp (hybrid clocks).
     */
    public record ColumnStamp(long timestamp, String origin, long sequence) implements Comparable<ColumnStamp> {
        /** The stamp of a column nobody changed since replication started: older than every write. */
        public static final ColumnStamp BEFORE_REPLICATION = new ColumnStamp(0, null, 0);

        private static final Comparator<ColumnStamp> ORDER = Comparator.comparingLong(ColumnStamp::timestamp)
            .thenComparing(ColumnStamp::origin, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(ColumnStamp::sequence);

        @Override
        public int compareTo(ColumnStamp o) {
            return ORDER.compare(this, o);
        }

        static ColumnStamp max(ColumnStamp a, ColumnStamp b) {
            return a.compareTo(b) >= 0 ? a : b;
        }
    }

    public static RowVersion live(List<Object> key, long timestamp, String origin, long originSequence) {
        return new RowVersion(key, timestamp, origin, Optional.of(originSequence), Optional.empty(), false, Optional.empty(),
            Map.of(), Map.of());
    }

    public static RowVersion tombstone(List<Object> key, long timestamp, String origin, long originSequence, String imageJson) {
        return new RowVersion(key, timestamp, origin, Optional.of(originSequence), Optional.empty(), true, Optional.of(imageJson),
            Map.of(), Map.of());
    }

    /** The latest write as a column stamp. */
    public ColumnStamp latest() {
        return new ColumnStamp(timestamp, origin, originSequence.orElse(0L));
    }

    /** The write that last changed {@code column}: its own stamp if kept, else the latest write's. */
    public ColumnStamp stampOf(String column) {
        return columns.getOrDefault(column, latest());
    }

    /** Whether the version is more than its latest write (concurrent writes merged, column stamps kept, or a decision). */
    public boolean hasDetail() {
        return !concurrent.isEmpty() || !columns.isEmpty() || decision || !lineage.isEmpty();
    }

    /** This version with {@code l} as its lineage. */
    public RowVersion withLineage(Lineage l) {
        return new RowVersion(key, timestamp, origin, originSequence, localTransaction, deleted, deletedImage, concurrent, columns, decision, l);
    }

    /** This version for {@code k}, the same key typed as another database stores it. */
    public RowVersion withKey(List<Object> k) {
        return new RowVersion(k, timestamp, origin, originSequence, localTransaction, deleted, deletedImage, concurrent, columns, decision, lineage);
    }

    /** This version with its latest write's sequence (a local write's, known once sequenced). */
    public RowVersion withSequence(long sequence) {
        return new RowVersion(key, timestamp, origin, Optional.of(sequence), localTransaction, deleted, deletedImage, concurrent, columns,
            decision, lineage);
    }

    /** This version as a tombstone of {@code image}: the row's history stays as it was. */
    public RowVersion asTombstone(String image) {
        return new RowVersion(key, timestamp, origin, originSequence, localTransaction, true, Optional.of(image), concurrent, columns,
            decision, lineage);
    }

    /** The latest write as an entry of a lineage (its origin sequence must be known). */
    public Lineage.Entry entry() {
        return new Lineage.Entry(origin, originSequence.orElseThrow(), timestamp, deleted);
    }

    /** This version, its latest write marked as a person's decision. */
    public RowVersion asDecision() {
        return new RowVersion(key, timestamp, origin, originSequence, localTransaction, deleted, deletedImage, concurrent, columns, true, lineage);
    }

    /**
     * Whether a write of {@code writer}, made when {@code dependencies} (origin to highest sequence) had been applied
     * at {@code writer}, saw this content: every write of the version is {@code writer}'s own (an origin's writes
     * reach a peer in order, so an earlier one) or among its dependencies. A latest write without a sequence is taken
     * as not seen.
     */
    public boolean seenBy(String writer, Map<String, Long> dependencies) {
        if (!origin.equals(writer) && (originSequence.isEmpty() || dependencies.getOrDefault(origin, 0L) < originSequence.get())) {
            return false;
        }
        return concurrent.entrySet().stream()
            .allMatch(e -> e.getKey().equals(writer) || dependencies.getOrDefault(e.getKey(), 0L) >= e.getValue().sequence());
    }

    /**
     * The version of the row after {@code next} — a version of one write that saw the {@code previous} content, such
     * as {@link #live} — wrote it, changing {@code changed} of the table's replicated {@code columns}: {@code next}'s
     * write alone, the changed columns stamped by it, the others keeping the stamps they had ({@link
     * ColumnStamp#BEFORE_REPLICATION} if the row had no version). No stamps for a table that keeps none ({@code
     * columns} empty) or for a tombstone.
     */
    public static RowVersion followed(Optional<RowVersion> previous, RowVersion next, Set<String> changed, Collection<String> columns) {
        Map<String, ColumnStamp> stamps = new TreeMap<>();
        for (String c : next.deleted ? List.<String>of() : columns) {
            if (!changed.contains(c)) {
                stamps.put(c, previous.map(p -> p.stampOf(c)).orElse(ColumnStamp.BEFORE_REPLICATION));
            }
        }
        return next.with(next.concurrent, stamps);
    }

    /**
     * The join of this version and an incoming write's: the content a resolver merged from this row and the write
     * of {@code remote} (a version of that one write; {@code dependencies} are what its origin had applied when it
     * wrote) that changed {@code changed} of the table's replicated {@code columns}. The remote write is kept, and
     * every local write it had not seen; the latest of them becomes the latest. Each column keeps the later of its
     * stamp here and, if the remote write changed it, the remote write's. Commutative, associative and idempotent in
     * the writes merged: every peer that merged the same writes, in any order, holds the same version.
     */
    public static RowVersion merged(Optional<RowVersion> local, RowVersion remote, Map<String, Long> dependencies,
                                    Set<String> changed, Collection<String> columns) {
        if (!remote.concurrent.isEmpty()) {
            throw new IllegalArgumentException("an incoming write's version is one write: " + remote);
        }
        Map<String, Write> writes = new TreeMap<>();
        Map<String, ColumnStamp> latestOf = new TreeMap<>();
        local.ifPresent(l -> l.writes().forEach((o, w) -> {
            if (!o.equals(remote.origin) && dependencies.getOrDefault(o, 0L) < w.sequence()) {
                writes.put(o, w);
            }
        }));
        writes.put(remote.origin, new Write(remote.originSequence.orElseThrow(), remote.timestamp));
        writes.forEach((o, w) -> latestOf.put(o, new ColumnStamp(w.timestamp(), o, w.sequence())));
        String latest = latestOf.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Write top = writes.remove(latest);
        Map<String, ColumnStamp> stamps = new TreeMap<>();
        for (String c : columns) {
            ColumnStamp here = local.map(l -> l.stampOf(c)).orElse(ColumnStamp.BEFORE_REPLICATION);
            stamps.put(c, changed.contains(c) ? ColumnStamp.max(here, remote.latest()) : here);
        }
        RowVersion out = new RowVersion(remote.key, top.timestamp(), latest, Optional.of(top.sequence()), Optional.empty(),
            remote.deleted, remote.deletedImage, Map.of(), Map.of());
        return out.with(writes, stamps);
    }

    /** Every write of the version by origin, the latest included (a latest without a sequence is left out). */
    public Map<String, Write> writes() {
        Map<String, Write> out = new TreeMap<>(concurrent);
        originSequence.ifPresent(s -> out.put(origin, new Write(s, timestamp)));
        return out;
    }

    /** This version with other concurrent writes and column stamps; stamps equal to the latest write's are dropped. */
    private RowVersion with(Map<String, Write> others, Map<String, ColumnStamp> stamps) {
        Map<String, ColumnStamp> kept = new TreeMap<>(stamps);
        kept.values().removeIf(latest()::equals);
        return new RowVersion(key, timestamp, origin, originSequence, localTransaction, deleted, deletedImage, others, kept, decision, lineage);
    }
}
