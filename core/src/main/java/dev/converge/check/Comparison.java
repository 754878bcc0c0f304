package dev.converge.check;

import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Compares the replicated rows of two sides table by table, without shipping rows:
 * <ol>
 *   <li>both sides sum their row hashes per range of the key-hash space ({@code 2^firstSplit} ranges), each in one scan;
 *   <li>ranges whose count or sum differ are split further ({@code 2^nextSplit} children each, one more scan per
 *       level) until the rows in the differing ranges are few enough to list ({@code maxListed}); then both sides list
 *       each row of those ranges as its key and hash, and the lists are matched key by key;
 *   <li>each key found to differ is confirmed: once both sides have applied at least what either had applied of every
 *       origin when the keys were found, both rows are read again; only keys that still differ are reported, and this
 *       is repeated while it drops keys (up to {@code confirmRounds} times). A row that was in flight has arrived by
 *       then, so it is not reported.
 * </ol>
 * Bounded: every scan keeps at most {@code maxChildren} range summaries or {@code maxListed} listed rows; when more
 * differs than that, only the first part of the differing ranges is examined and the report says the count is a lower
 * bound. The two sides are asked at the same time (the other side on a thread of this comparison's own).
 *
 * <p>Not thread-safe: one comparison at a time. {@link #close} stops its thread.
 */
public final class Comparison implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(250);

    /**
     * How a comparison goes about it.
     *
     * @param firstSplit the first scan's ranges: {@code 2^firstSplit}
     * @param nextSplit how many children each differing range splits into further: {@code 2^nextSplit}
     * @param maxChildren the most range summaries one scan returns
     * @param maxListed the most rows listed per side, and so the most differences named per table
     * @param settle how long to wait for both sides' watermarks to match before the first scan
     * @param catchUp how long to wait, before a key is read again, for both sides to catch up with each other
     * @param confirmRounds how many times differing keys are read again at most
     */
    public record Settings(int firstSplit, int nextSplit, int maxChildren, int maxListed, Duration settle, Duration catchUp,
                           int confirmRounds) {
        public static final Settings DEFAULT = new Settings(12, 8, 16_384, 10_000, Duration.ofSeconds(30), Duration.ofSeconds(60), 3);

        public Settings {
            if (firstSplit < 1 || firstSplit > 16 || nextSplit < 1 || nextSplit > 16) {
                throw new IllegalArgumentException("splits are 1 to 16 bits, not " + firstSplit + " and " + nextSplit);
            }
            if (maxChildren < (1 << nextSplit) || maxListed < 1 || confirmRounds < 1) {
                throw new IllegalArgumentException("maxChildren must allow one split, maxListed and confirmRounds at least 1");
            }
        }

        public Settings withWaits(Duration settle, Duration catchUp) {
            return new Settings(firstSplit, nextSplit, maxChildren, maxListed, settle, catchUp, confirmRounds);
        }

        public Settings withSplits(int first, int next, int children, int listed) {
            return new Settings(first, next, children, listed, settle, catchUp, confirmRounds);
        }
    }

    /** Told what the comparison does, for a progress display. Called on the comparison's thread. */
    public interface Listener {
        /** A scan of this side's table begins: {@code rows} rows to read. */
        default void scanning(String table, String what, long rows) {
        }

        /** The current scan has read {@code rows} rows of this side. */
        default void scanned(long rows) {
        }

        /** The comparison waits for something ({@code what}); a scan's line may stop moving meanwhile. */
        default void waiting(String what) {
        }
    }

    /**
     * Whether the two sides' watermarks matched before the first scan.
     *
     * @param matched both had sequenced everything and applied the same ChangeSets of every origin
     * @param differences if not, per origin how they differ
     */
    public record Settled(boolean matched, List<String> differences) {
        public Settled {
            differences = List.copyOf(differences);
        }
    }

    private final DigestSource here;
    private final DigestSource there;
    private final Settings settings;
    private final Listener listener;
    private final ExecutorService otherSide;

    public Comparison(DigestSource here, DigestSource there, Settings settings, Listener listener) {
        this.here = here;
        this.there = there;
        this.settings = settings;
        this.listener = listener;
        this.otherSide = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "converge-check-" + there.describe());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Waits (up to {@code settle}) until both sides have sequenced everything and applied the same ChangeSets of every
     * origin: with writes quiet, nothing is then in flight between them.
     */
    public Settled settle() {
        listener.waiting("matching watermarks with " + there.describe());
        long end = System.nanoTime() + settings.settle().toNanos();
        while (true) {
            Both<Positions> p = both(here::positions, there::positions);
            if (p.here().matches(p.there())) {
                return new Settled(true, List.of());
            }
            if (System.nanoTime() >= end) {
                List<String> differences = new ArrayList<>(p.here().differences(p.there()).values());
                unsequenced(p.here()).ifPresent(differences::add);
                unsequenced(p.there()).ifPresent(differences::add);
                return new Settled(false, differences);
            }
            pause();
        }
    }

    private static Optional<String> unsequenced(Positions p) {
        return p.unsequenced() == 0 ? Optional.empty()
            : Optional.of(p.node() + " has " + p.unsequenced() + " committed transactions not yet sequenced (is it running?)");
    }

    /** Compares one table (named as either side spells it). */
    public TableReport compare(String table) {
        Both<Long> counts = both(() -> here.count(table), () -> there.count(table));
        List<String> notes = new ArrayList<>();
        Found found = find(table, Math.max(counts.here(), counts.there()), notes);
        List<Difference> differences = found.candidates();
        boolean confirmed = true;
        if (!differences.isEmpty()) {
            Confirmed c = confirm(table, differences, notes);
            differences = c.differences();
            confirmed = c.confirmed();
        }
        long differing = differences.size() + found.unexamined();
        return new TableReport(table, counts.here(), counts.there(), differences, differing, found.unexamined() == 0 && found.complete(),
            confirmed, notes);
    }

    /** The keys whose rows the scans found to differ, and a lower bound of the differing rows not examined. */
    private record Found(List<Difference> candidates, long unexamined, boolean complete) {
    }

    private Found find(String table, long rows, List<String> notes) {
        List<KeyHashRange> ranges = List.of(KeyHashRange.ALL);
        int split = settings.firstSplit();
        long unexamined = 0;
        while (true) {
            int s = split;
            List<KeyHashRange> scanned = ranges;
            listener.scanning(table, "summing " + (scanned.size() << s) + " key ranges", rows);
            Both<List<RangeSummary>> sums = both(() -> here.summarize(table, scanned, s, listener::scanned),
                () -> there.summarize(table, scanned, s, n -> { }));
            List<KeyHashRange> differing = new ArrayList<>();
            long expected = 0;
            for (int i = 0; i < sums.here().size(); i++) {
                RangeSummary a = sums.here().get(i);
                RangeSummary b = sums.there().get(i);
                if (!a.sameAs(b)) {
                    differing.add(a.range());
                    expected += Math.max(a.rows(), b.rows());
                }
            }
            if (differing.isEmpty()) {
                return new Found(List.of(), unexamined, true);
            }
            int next = Math.min(settings.nextSplit(), 64 - differing.get(0).bits());
            if (expected <= settings.maxListed() || next == 0) {
                return list(table, differing, rows, unexamined);
            }
            int keep = settings.maxChildren() >> next;
            if (differing.size() > keep) {
                Map<KeyHashRange, Long> countHere = new HashMap<>();
                Map<KeyHashRange, Long> countThere = new HashMap<>();
                sums.here().forEach(r -> countHere.put(r.range(), r.rows()));
                sums.there().forEach(r -> countThere.put(r.range(), r.rows()));
                for (KeyHashRange r : differing.subList(keep, differing.size())) {
                    // at least one row differs in a differing range, and at least as many as the counts differ by
                    unexamined += Math.max(1, Math.abs(countHere.get(r) - countThere.get(r)));
                }
                notes.add(String.format(java.util.Locale.ROOT, "%,d key ranges differ: only the first %,d were examined down to their keys",
                    differing.size(), keep));
                differing = List.copyOf(differing.subList(0, keep));
            }
            ranges = differing;
            split = next;
        }
    }

    private Found list(String table, List<KeyHashRange> ranges, long rows, long unexamined) {
        listener.scanning(table, "listing " + ranges.size() + " differing key ranges", rows);
        int limit = settings.maxListed();
        Both<DigestSource.Listing> lists = both(() -> here.list(table, ranges, limit, listener::scanned),
            () -> there.list(table, ranges, limit, n -> { }));
        Map<Long, DigestSource.Listed> theirs = new HashMap<>();
        lists.there().rows().forEach(r -> theirs.put(r.keyHash(), r));
        List<Difference> out = new ArrayList<>();
        for (DigestSource.Listed mine : lists.here().rows()) {
            DigestSource.Listed other = theirs.remove(mine.keyHash());
            if (other == null) {
                out.add(new Difference(Difference.Kind.MISSING_THERE, mine.key(), Optional.empty(), Optional.empty()));
            } else if (!other.hash().equals(mine.hash())) {
                out.add(new Difference(Difference.Kind.VALUES_DIFFER, mine.key(), Optional.empty(), Optional.empty()));
            }
        }
        theirs.values().forEach(r -> out.add(new Difference(Difference.Kind.MISSING_HERE, r.key(), Optional.empty(), Optional.empty())));
        return new Found(out, unexamined, lists.here().complete() && lists.there().complete());
    }

    private record Confirmed(List<Difference> differences, boolean confirmed) {
    }

    private Confirmed confirm(String table, List<Difference> candidates, List<String> notes) {
        List<Difference> current = candidates;
        for (int round = 1; round <= settings.confirmRounds(); round++) {
            Optional<String> behind = catchUp();
            if (behind.isPresent()) {
                notes.add("not confirmed: " + behind.get() + " after " + settings.catchUp().toSeconds()
                    + " s; these keys may still be in flight");
                return new Confirmed(current, false);
            }
            List<RowKey> keys = current.stream().map(Difference::key).toList();
            listener.waiting("reading " + keys.size() + " differing rows again on both sides");
            Both<Map<RowKey, RowImage>> rows = both(() -> here.rows(table, keys), () -> there.rows(table, keys));
            List<Difference> still = new ArrayList<>();
            for (RowKey k : keys) {
                Difference.of(k, Optional.ofNullable(rows.here().get(k)), Optional.ofNullable(rows.there().get(k))).ifPresent(still::add);
            }
            boolean stable = still.size() == current.size();
            current = still;
            if (stable || current.isEmpty()) {
                break;
            }
        }
        current.sort(Comparator.comparing(d -> d.key().toString()));
        return new Confirmed(current, true);
    }

    /** Waits until both sides have come as far as either was now; empty once they have, else how they still differ. */
    private Optional<String> catchUp() {
        Both<Positions> start = both(here::positions, there::positions);
        Map<NodeId, Long> target = start.here().furthest(start.there());
        listener.waiting("waiting for " + here.describe() + " and " + there.describe() + " to apply the same ChangeSets");
        long end = System.nanoTime() + settings.catchUp().toNanos();
        Both<Positions> now = start;
        while (!(now.here().reached(target) && now.there().reached(target))) {
            if (System.nanoTime() >= end) {
                List<String> behind = new ArrayList<>();
                List<Positions> last = List.of(now.here(), now.there());
                target.forEach((origin, seq) -> {
                    for (Positions p : last) {
                        if (p.of(origin) < seq) {
                            behind.add(p.node() + " had not applied " + origin + "'s ChangeSets up to " + seq + " (it is at " + p.of(origin) + ")");
                        }
                    }
                });
                return Optional.of(String.join("; ", behind));
            }
            pause();
            now = both(here::positions, there::positions);
        }
        return Optional.empty();
    }

    private record Both<T>(T here, T there) {
    }

    /** Asks both sides at once: the other side on this comparison's thread, this side on the caller's. */
    private <T> Both<T> both(Supplier<T> mine, Supplier<T> theirs) {
        CompletableFuture<T> other = CompletableFuture.supplyAsync(theirs, otherSide);
        T a;
        try {
            a = mine.get();
        } catch (RuntimeException e) {
            other.cancel(true);
            throw e;
        }
        try {
            return new Both<>(a, other.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the peers' watermarks", e);
        }
    }

    @Override
    public void close() {
        otherSide.shutdownNow();
    }
}
