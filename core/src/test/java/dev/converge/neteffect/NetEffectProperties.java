package dev.converge.neteffect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ReplicatedTable;
import dev.converge.model.Change;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The net effect against an in-memory model of a transaction. A scenario is two small tables (keys 1..4, columns
 * {@code k, b} and maybe {@code c}, an optional filter "b is even", an optional column subset), a random start state,
 * and a valid sequence of inserts, updates, key changes and deletes run against it, which yields the raw operations
 * capture would record: correct images and match flags.
 *
 * <p>The replica holds the start state filtered and projected. Applying the net effect to it, strictly (an insert
 * finds no row, an update or delete finds exactly its before image), must give the end state filtered and projected.
 */
class NetEffectProperties {

    @Property(tries = 1000)
    void theNetEffectTakesTheReplicaFromTheStartStateToTheEndState(@ForAll("transactions") Scenario s) {
        List<Change> net = NetEffect.of(s.ops(), s::table);
        Map<String, Map<RowKey, RowImage>> replica = s.replicaOf(s.start());

        for (Change change : net) {
            applyStrictly(replica.get(change.table()), change);
        }

        assertEquals(s.replicaOf(s.end()), replica, () -> "after applying " + net);
        checkCoverage(s, net);
    }

    /** Guards the generator: enough transactions must exercise key changes, collapsing and dropped updates. */
    static void checkCoverage(Scenario s, List<Change> net) {
        Statistics.label("has a key change").collect(s.ops().stream().anyMatch(Scenario::isKeyChange));
        Statistics.label("ships an update").collect(net.stream().anyMatch(c -> c instanceof Change.Update));
        Statistics.label("ships nothing although it wrote").collect(!s.ops().isEmpty() && net.isEmpty());
        Statistics.label("has a key change").coverage(c -> c.check(true).percentage(p -> p > 10));
        Statistics.label("ships an update").coverage(c -> c.check(true).percentage(p -> p > 5));
        Statistics.label("ships nothing although it wrote").coverage(c -> c.check(true).percentage(p -> p > 2));
    }

    @Property(tries = 1000)
    void theNetEffectHasAtMostOneChangePerRow(@ForAll("transactions") Scenario s) {
        List<Change> net = NetEffect.of(s.ops(), s::table);
        Set<String> rows = new HashSet<>();

        for (Change change : net) {
            assertTrue(rows.add(change.table() + change.key()), () -> "two changes for " + change.table() + " "
                + change.key() + " in " + net);
        }
    }

    @Property(tries = 500)
    void everyShippedUpdateChangesSomethingTheReplicaSees(@ForAll("transactions") Scenario s) {
        for (Change change : NetEffect.of(s.ops(), s::table)) {
            if (change instanceof Change.Update update) {
                assertTrue(!update.oldRow().sameAs(update.newRow()), () -> "ships an update that changes nothing: " + update);
            }
        }
    }

    static void applyStrictly(Map<RowKey, RowImage> rows, Change change) {
        RowImage current = rows.get(change.key());
        if (change instanceof Change.Insert insert) {
            assertEquals(null, current, () -> "insert " + insert.row() + " found a row");
            rows.put(change.key(), insert.row());
        } else if (change instanceof Change.Update update) {
            assertEquals(update.oldRow(), current, () -> "update " + update + " found another row");
            rows.put(change.key(), update.newRow());
        } else {
            assertEquals(((Change.Delete) change).oldRow(), current, () -> "delete " + change + " found another row");
            rows.remove(change.key());
        }
    }

    // ---------------------------------------------------------------- generation

    static final List<Long> KEYS = List.of(1L, 2L, 3L, 4L);

    /** A table's shape: name, columns, whether "b is even" filters it, the replicated columns. */
    record Shape(String name, List<String> columns, boolean filtered, List<String> replicated) {
        ReplicatedTable table() {
            return new ReplicatedTable(name, List.of("k"), replicated, columns,
                filtered ? Optional.of("b % 2 = 0") : Optional.empty());
        }

        boolean matches(RowImage row) {
            return !filtered || (Long) row.get("b") % 2 == 0;
        }

        Shape named(String newName) {
            return new Shape(newName, columns, filtered, replicated);
        }

        @Override
        public String toString() {
            return name + columns + (filtered ? " where b even" : "") + (replicated.equals(columns) ? "" : " replicating "
                + replicated);
        }
    }

    static final List<Shape> SHAPES = List.of(
        new Shape("", List.of("k", "b"), false, List.of("k", "b")),
        new Shape("", List.of("k", "b"), true, List.of("k", "b")),
        new Shape("", List.of("k", "b", "c"), true, List.of("k", "b", "c")),
        new Shape("", List.of("k", "b", "c"), true, List.of("k", "c")),
        new Shape("", List.of("k", "b", "c"), true, List.of("k", "b")),
        new Shape("", List.of("k", "b", "c"), false, List.of("k", "c")),
        new Shape("", List.of("k", "b"), true, List.of("k")));

    enum Kind { INSERT, UPDATE, MOVE, DELETE }

    /**
     * What to do, resolved against the current state: {@code pick} chooses among the keys present (update, move,
     * delete) or absent (insert); a move goes to the absent key {@code c} picks; {@code b} and {@code c} are new values.
     */
    record Intent(int table, Kind kind, int pick, int b, int c) {
    }

    @Provide
    Arbitrary<Scenario> transactions() {
        Arbitrary<Shape> shapes = Arbitraries.of(SHAPES);
        Arbitrary<List<Integer>> start = Arbitraries.integers().between(-1, 3).list().ofSize(KEYS.size());
        Arbitrary<Intent> intent = Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
            .as(Intent::new);
        return Combinators.combine(shapes, shapes, start, start, intent.list().ofMinSize(1).ofMaxSize(12))
            .as((t, u, startT, startU, intents) -> Scenario.run(List.of(t.named("t"), u.named("u")),
                List.of(startT, startU), intents));
    }

    /** A generated transaction: the tables, their rows before and after it, and the raw operations capture saw. */
    record Scenario(List<Shape> shapes, Map<String, Map<Long, RowImage>> start, List<RawChange> ops,
                    Map<String, Map<Long, RowImage>> end) {

        /** Start values per key: -1 for no row, else b (and c = b + 1 when there is a c column). */
        static Scenario run(List<Shape> shapes, List<List<Integer>> startValues, List<Intent> intents) {
            Map<String, Map<Long, RowImage>> start = new LinkedHashMap<>();
            for (int i = 0; i < shapes.size(); i++) {
                start.put(shapes.get(i).name(), startRows(shapes.get(i), startValues.get(i)));
            }
            Map<String, Map<Long, RowImage>> state = copy(start);
            List<RawChange> ops = new ArrayList<>();
            for (Intent intent : intents) {
                Shape shape = shapes.get(intent.table());
                step(shape, state.get(shape.name()), intent, ops.size() + 1).ifPresent(ops::add);
            }
            return new Scenario(shapes, start, ops, state);
        }

        static Map<Long, RowImage> startRows(Shape shape, List<Integer> values) {
            Map<Long, RowImage> rows = new TreeMap<>();
            for (int i = 0; i < KEYS.size(); i++) {
                if (values.get(i) >= 0) {
                    rows.put(KEYS.get(i), row(shape, KEYS.get(i), values.get(i), values.get(i) + 1));
                }
            }
            return rows;
        }

        static RowImage row(Shape shape, long k, long b, long c) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("k", k);
            values.put("b", b);
            if (shape.columns().contains("c")) {
                values.put("c", c);
            }
            return RowImage.of(values);
        }

        /** Runs one intent against the table's rows, if it can run there; returns what capture records. */
        static Optional<RawChange> step(Shape shape, Map<Long, RowImage> rows, Intent intent, long position) {
            List<Long> present = List.copyOf(rows.keySet());
            List<Long> absent = KEYS.stream().filter(k -> !rows.containsKey(k)).toList();
            HybridTimestamp ts = HybridTimestamp.ofMillis(1_000 + position);
            String t = shape.name();
            switch (intent.kind()) {
                case INSERT -> {
                    if (absent.isEmpty()) {
                        return Optional.empty();
                    }
                    RowImage after = row(shape, absent.get(intent.pick() % absent.size()), intent.b(), intent.c());
                    rows.put((Long) after.get("k"), after);
                    return Optional.of(RawChange.insert(position, t, after, shape.matches(after), ts));
                }
                case UPDATE, MOVE -> {
                    if (present.isEmpty() || (intent.kind() == Kind.MOVE && absent.isEmpty())) {
                        return Optional.empty();
                    }
                    RowImage before = rows.remove(present.get(intent.pick() % present.size()));
                    long k = intent.kind() == Kind.MOVE ? absent.get(intent.c() % absent.size()) : (Long) before.get("k");
                    RowImage after = row(shape, k, intent.b(), intent.c());
                    rows.put(k, after);
                    return Optional.of(RawChange.update(position, t, before, after, shape.matches(before),
                        shape.matches(after), ts));
                }
                default -> {
                    if (present.isEmpty()) {
                        return Optional.empty();
                    }
                    RowImage before = rows.remove(present.get(intent.pick() % present.size()));
                    return Optional.of(RawChange.delete(position, t, before, shape.matches(before), ts));
                }
            }
        }

        static Map<String, Map<Long, RowImage>> copy(Map<String, Map<Long, RowImage>> state) {
            Map<String, Map<Long, RowImage>> out = new LinkedHashMap<>();
            state.forEach((table, rows) -> out.put(table, new TreeMap<>(rows)));
            return out;
        }

        ReplicatedTable table(String name) {
            return shapes.stream().filter(s -> s.name().equals(name)).findFirst().map(Shape::table).orElse(null);
        }

        /** What a replica of these tables holds: rows that match the filter, projected, by key. */
        Map<String, Map<RowKey, RowImage>> replicaOf(Map<String, Map<Long, RowImage>> state) {
            Map<String, Map<RowKey, RowImage>> out = new LinkedHashMap<>();
            for (Shape shape : shapes) {
                Map<RowKey, RowImage> rows = new LinkedHashMap<>();
                state.get(shape.name()).values().stream().filter(shape::matches)
                    .forEach(r -> rows.put(shape.table().keyOf(r), shape.table().project(r)));
                out.put(shape.name(), rows);
            }
            return out;
        }

        @Override
        public String toString() {
            return "\n  tables: " + shapes + "\n  start:  " + start + "\n  ops:\n"
                + ops.stream().map(Scenario::describe).collect(Collectors.joining("\n")) + "\n  end:    " + end + "\n";
        }

        static boolean isKeyChange(RawChange op) {
            return op.operation() == RawChange.Operation.UPDATE && !op.before().get("k").equals(op.after().get("k"));
        }

        static String describe(RawChange op) {
            String images = switch (op.operation()) {
                case INSERT -> op.after() + (op.afterMatches() ? "" : " (outside filter)");
                case DELETE -> op.before() + (op.beforeMatches() ? "" : " (outside filter)");
                case UPDATE -> op.before() + (op.beforeMatches() ? "" : " (outside)") + " -> " + op.after()
                    + (op.afterMatches() ? "" : " (outside)");
            };
            return "    " + op.position() + " " + op.table() + " " + op.operation() + " " + images;
        }
    }
}
