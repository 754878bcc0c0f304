package dev.converge.testkit;

import dev.converge.testkit.Workload.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of {@link Workload}s: keys 1..4 so that writes collide, values 0..9 so that concurrent writes
 * sometimes agree, every kind of statement and delivery. Everything shrinks towards fewer steps, fewer statements,
 * smaller keys and values and no delay.
 */
public final class Workloads {
    private Workloads() {
    }

    private static final List<String[]> PAIRS = List.of(
        new String[] {"A", "B"}, new String[] {"A", "C"}, new String[] {"B", "A"},
        new String[] {"B", "C"}, new String[] {"C", "A"}, new String[] {"C", "B"});

    /** Writes on every peer, interleaved with deliveries of every kind; maybe one skewed clock. */
    public static Arbitrary<Workload> concurrent(int maxSteps) {
        return Combinators.combine(skew(), initialRows(), step(Arbitraries.of(Workload.NODES)).list().ofMinSize(1).ofMaxSize(maxSteps)
            .withSizeDistribution(RandomDistribution.uniform()))
            .as(Workload::new);
    }

    /**
     * As {@link #concurrent}, and now and then a peer loads another's snapshot ({@code resync --from}) in the middle of
     * it all: with ChangeSets in flight both ways, stored out of order, and its own changes unsent.
     */
    public static Arbitrary<Workload> withResyncs(int maxSteps) {
        Arbitrary<Step> resync = Arbitraries.of(PAIRS).map(p -> new Workload.Resync(p[0], p[1]));
        Arbitrary<Step> steps = Arbitraries.frequencyOf(Tuple.of(8, step(Arbitraries.of(Workload.NODES))), Tuple.of(2, resync));
        return Combinators.combine(skew(), initialRows(), steps.list().ofMinSize(1).ofMaxSize(maxSteps)
            .withSizeDistribution(RandomDistribution.uniform()))
            .as(Workload::new);
    }

    /**
     * As {@link #concurrent}, and every peer's wall clock is stepped forward and back at random moments, by seconds to
     * minutes: a peer's own writes must stay in its order whatever its clock does.
     */
    public static Arbitrary<Workload> jumpingClocks(int maxSteps) {
        return Combinators.combine(skew(), initialRows(), Arbitraries.frequencyOf(
                Tuple.of(5, step(Arbitraries.of(Workload.NODES))),
                Tuple.of(2, jump()))
            .list().ofMinSize(1).ofMaxSize(maxSteps).withSizeDistribution(RandomDistribution.uniform()))
            .as(Workload::new);
    }

    /** One peer's wall clock steps forward or back by 1..59 seconds or 1..10 minutes. */
    public static Arbitrary<Step> jump() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(1, 59).map(s -> s * 1000);
        Arbitrary<Long> minutes = Arbitraries.longs().between(1, 10).map(m -> m * 60_000);
        return Combinators.combine(Arbitraries.of(Workload.NODES), Arbitraries.frequencyOf(Tuple.of(3, seconds), Tuple.of(2, minutes)),
            Arbitraries.of(-1L, 1L)).as((node, size, sign) -> new Workload.Jump(node, sign * size));
    }

    /** Only peer A writes; the others only receive, in any order, duplicated or partial. */
    public static Arbitrary<Workload> oneWriter(int maxSteps) {
        return Combinators.combine(skew(), initialRows(), step(Arbitraries.just("A")).list().ofMinSize(1).ofMaxSize(maxSteps)
            .withSizeDistribution(RandomDistribution.uniform()))
            .as(Workload::new);
    }

    /** Writes on every peer, each one after everything before it reached every peer (a sync after each write). */
    public static Arbitrary<Workload> causal(int maxWrites) {
        return Combinators.combine(skew(), initialRows(), write(Arbitraries.of(Workload.NODES)).list().ofMinSize(1).ofMaxSize(maxWrites)
            .withSizeDistribution(RandomDistribution.uniform()))
            .as((skew, initial, writes) -> {
                List<Step> steps = new ArrayList<>();
                writes.forEach(w -> {
                    steps.add(w);
                    steps.add(new Workload.Sync());
                });
                return new Workload(skew, initial, steps);
            });
    }

    /**
     * Writes on every peer for a merging resolver: inserts (of keys 1..6, so that two peers insert the same key),
     * increments, updates of one column and statements over several rows — no deletes: what a delete concurrent with
     * a merge means is the later resolvers' to say (see the README). Deliveries of every kind, maybe a skewed clock.
     */
    public static Arbitrary<Workload> merging(int maxSteps) {
        Arbitrary<String[]> pair = Arbitraries.of(PAIRS);
        Arbitrary<Step> write = Combinators.combine(Arbitraries.of(Workload.NODES), delay(), mergeStatement().list().ofMinSize(1).ofMaxSize(3))
            .as(Workload.Write::new);
        Arbitrary<Step> steps = Arbitraries.frequencyOf(
            Tuple.of(10, write),
            Tuple.of(3, pair.map(p -> new Workload.Deliver(p[0], p[1]))),
            Tuple.of(3, scramble(pair)),
            Tuple.of(2, redeliver(pair)),
            Tuple.of(1, Arbitraries.just(new Workload.Sync())));
        return Combinators.combine(skew(), initialRows(), steps.list().ofMinSize(1).ofMaxSize(maxSteps)
            .withSizeDistribution(RandomDistribution.uniform()))
            .as(Workload::new);
    }

    static Arbitrary<Workload.Stmt> mergeStatement() {
        Arbitrary<Integer> key = Arbitraries.integers().between(1, 6);
        Arbitrary<Integer> value = Arbitraries.integers().between(0, 9);
        Arbitrary<String> word = Arbitraries.of("a", "b", "c").injectNull(0.2);
        return Arbitraries.frequencyOf(
            Tuple.of(3, Combinators.combine(key, value, word).as(Workload.Insert::new)),
            Tuple.of(6, Combinators.combine(key, Arbitraries.integers().between(-3, 9).filter(d -> d != 0)).as(Workload.Add::new)),
            Tuple.of(2, Combinators.combine(key, value).as(Workload.SetV::new)),
            Tuple.of(3, Combinators.combine(key, word).as(Workload.SetW::new)),
            Tuple.of(1, value.map(Workload.Bump::new)));
    }

    /** How many of the keys 1..4 exist everywhere before the workload starts; mostly all of them. */
    public static Arbitrary<Integer> initialRows() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(0, 3)), Tuple.of(2, Arbitraries.just(4)));
    }

    public static Arbitrary<Optional<Workload.Skew>> skew() {
        Arbitrary<Workload.Skew> one = Combinators.combine(Arbitraries.of(Workload.NODES),
            Arbitraries.integers().between(1, 10), Arbitraries.of(-1, 1)).as((n, m, sign) -> new Workload.Skew(n, m * sign));
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Optional.<Workload.Skew>empty())), Tuple.of(2, one.map(Optional::of)));
    }

    public static Arbitrary<Step> step(Arbitrary<String> writers) {
        Arbitrary<String[]> pair = Arbitraries.of(PAIRS);
        Arbitrary<Step> deliver = pair.map(p -> new Workload.Deliver(p[0], p[1]));
        return Arbitraries.frequencyOf(
            Tuple.of(10, write(writers)),
            Tuple.of(3, deliver),
            Tuple.of(3, scramble(pair)),
            Tuple.of(2, redeliver(pair)),
            Tuple.of(1, Arbitraries.just(new Workload.Sync())));
    }

    private static Arbitrary<Step> scramble(Arbitrary<String[]> pair) {
        return Combinators.combine(pair, Arbitraries.integers().between(1, 4), Arbitraries.of(true, false))
            .flatAs((p, n, ack) -> Arbitraries.integers().between(0, n - 1).list().ofMinSize(1).ofMaxSize(n + 1)
                .map(pieces -> new Workload.Scramble(p[0], p[1], n, pieces, ack)));
    }

    private static Arbitrary<Step> redeliver(Arbitrary<String[]> pair) {
        return Combinators.combine(pair, Arbitraries.integers().between(0, 5)).as((p, i) -> new Workload.Redeliver(p[0], p[1], i));
    }

    public static Arbitrary<Step> write(Arbitrary<String> writers) {
        return Combinators.combine(writers, delay(), statement().list().ofMinSize(1).ofMaxSize(3)).as(Workload.Write::new);
    }

    private static Arbitrary<Long> delay() {
        return Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(0L)),
            Tuple.of(4, Arbitraries.longs().between(1, 3000)));
    }

    public static Arbitrary<Workload.Stmt> statement() {
        Arbitrary<Integer> key = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> value = Arbitraries.integers().between(0, 9);
        Arbitrary<String> word = Arbitraries.of("a", "b", "c").injectNull(0.2);
        return Arbitraries.frequencyOf(
            Tuple.of(5, Combinators.combine(key, value, word).as(Workload.Insert::new)),
            Tuple.of(4, Combinators.combine(key, value).as(Workload.SetV::new)),
            Tuple.of(2, Combinators.combine(key, word).as(Workload.SetW::new)),
            Tuple.of(1, value.map(Workload.Bump::new)),
            Tuple.of(3, key.map(Workload.Delete::new)),
            Tuple.of(1, value.map(Workload.DeleteWhere::new)),
            Tuple.of(3, Combinators.combine(key, Arbitraries.integers().between(1, 3))
                .as((from, offset) -> new Workload.Move(from, (from - 1 + offset) % 4 + 1))));
    }
}
