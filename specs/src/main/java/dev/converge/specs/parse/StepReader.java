package dev.converge.specs.parse;

import dev.converge.specs.model.DeliverStep;
import dev.converge.specs.model.ResolveStep;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.SqlStep;
import dev.converge.specs.model.Step;
import dev.converge.specs.model.SyncStep;
import dev.converge.specs.model.Take;
import dev.converge.specs.model.TxStep;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code steps}, giving each step its scenario time: its {@code at}, or one second after the previous step (the
 * first step's "previous" is the start, 12:00:00).
 */
final class StepReader {
    private static final Duration GAP = Duration.ofSeconds(1);
    private static final List<String> ANY_STEP_KEY = anyStepKey();

    private final NodeRefs refs;
    private LocalTime previous = Scenario.START;

    StepReader(NodeRefs refs) {
        this.refs = refs;
    }

    List<Step> steps(YamlNode node) {
        List<YamlNode> items = Read.list(node, "steps");
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            steps.add(step(items.get(i), "steps[" + i + "]"));
        }
        return steps;
    }

    private Step step(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s) {
            return sync(s, path);
        }
        // unknown keys first, against every step key, so that a typo such as 'sqll' gets its suggestion
        Fields.of(node, path, ANY_STEP_KEY);
        String kind = kind(Read.mapping(node, path), path);
        return switch (kind) {
            case "sql" -> sql(Fields.of(node, path, Keys.SQL_STEP));
            case "tx" -> tx(Fields.of(node, path, Keys.TX_STEP));
            case "deliver" -> deliver(Fields.of(node, path, Keys.DELIVER_STEP));
            default -> resolve(Fields.of(node, path, Keys.RESOLVE_STEP));
        };
    }

    private SyncStep sync(YamlNode.Scalar word, String path) {
        if (!"sync".equals(word.text())) {
            throw new Malformed(word.line(), path + ": unknown step '" + word.text()
                + "' (a step is the word sync, or a map with one of " + String.join(", ", Keys.STEP_KINDS) + ")");
        }
        return new SyncStep(word.line(), advance(Optional.empty()));
    }

    private static String kind(YamlNode.Mapping map, String path) {
        List<String> kinds = Keys.STEP_KINDS.stream().filter(map.entries()::containsKey).toList();
        if (kinds.size() == 1) {
            return kinds.get(0);
        }
        String problem = kinds.isEmpty()
            ? "a step needs one of " + String.join(", ", Keys.STEP_KINDS) + " (or is the word sync)"
            : "a step is one thing, but this one has " + String.join(" and ", kinds);
        throw new Malformed(map.line(), path + ": " + problem);
    }

    private SqlStep sql(Fields f) {
        String node = refs.node(f.require("node"), f.path("node"));
        LocalTime at = time(f);
        String sql = f.required("sql", Read::nonBlankText);
        return new SqlStep(f.line(), at, node, sql, f.optional("expect_error", Read::bool).orElse(false));
    }

    private TxStep tx(Fields f) {
        String node = refs.node(f.require("node"), f.path("node"));
        LocalTime at = time(f);
        YamlNode txNode = f.require("tx");
        List<YamlNode> items = Read.list(txNode, f.path("tx"));
        if (items.isEmpty()) {
            throw new Malformed(txNode.line(), f.path("tx") + ": a transaction needs at least one statement");
        }
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            statements.add(Read.nonBlankText(items.get(i), f.path("tx") + "[" + i + "]"));
        }
        return new TxStep(f.line(), at, node, statements, f.optional("expect_error", Read::bool).orElse(false));
    }

    private DeliverStep deliver(Fields f) {
        LocalTime at = time(f);
        Fields route = Fields.of(f.require("deliver"), f.path("deliver"), Keys.DELIVER);
        String from = refs.node(route.require("from"), route.path("from"));
        YamlNode toNode = route.require("to");
        String to = refs.node(toNode, route.path("to"));
        if (from.equals(to)) {
            throw new Malformed(toNode.line(), route.path("to") + ": a node does not deliver to itself (" + from + ")");
        }
        return new DeliverStep(f.line(), at, from, to);
    }

    private ResolveStep resolve(Fields f) {
        LocalTime at = time(f);
        Fields what = Fields.of(f.require("resolve"), f.path("resolve"), Keys.RESOLVE);
        String node = refs.node(what.require("node"), what.path("node"));
        Fields ref = Fields.of(what.require("conflict"), what.path("conflict"), Keys.CONFLICT_REF);
        ResolveStep.ConflictRef conflict = new ResolveStep.ConflictRef(ref.required("table", Read::nonBlankText),
            ref.required("key", Rows::row));
        return new ResolveStep(f.line(), at, node, conflict, take(what.require("take"), what.path("take")),
            what.optional("seen", Rows::row), what.optional("expect_refused", Read::bool).orElse(false));
    }

    private static Take take(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar) {
            String word = Read.text(node, path);
            return switch (word) {
                case "local" -> new Take.Local();
                case "remote" -> new Take.Remote();
                case "delete" -> new Take.Delete();
                default -> throw new Malformed(node.line(), path + ": unknown choice '" + word
                    + "' (expected local, remote, delete or {row: {...}})");
            };
        }
        Fields fields = Fields.of(node, path, Keys.TAKE_ROW);
        return new Take.WithRow(fields.required("row", Rows::row));
    }

    private LocalTime time(Fields f) {
        return advance(f.optional("at", Times::clock));
    }

    /**
     * A step's time: its own, or one second after the previous step's. Time may go back: steps run in file order, and
     * a later step may carry an earlier time (concurrent writes at several nodes, written down in any order).
     */
    private LocalTime advance(Optional<LocalTime> at) {
        previous = at.orElse(previous.plus(GAP));
        return previous;
    }

    private static List<String> anyStepKey() {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        keys.addAll(Keys.SQL_STEP);
        keys.addAll(Keys.TX_STEP);
        keys.addAll(Keys.DELIVER_STEP);
        keys.addAll(Keys.RESOLVE_STEP);
        return List.copyOf(keys);
    }
}
