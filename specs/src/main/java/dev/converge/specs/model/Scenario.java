package dev.converge.specs.model;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One scenario file, validated, with every default filled in. {@code tables} is empty when the file lists none (then
 * every table of the schema is replicated with the defaults). {@code initial} keeps file order, which is insert order.
 * {@code lines} says where the parts that only the database can check are written.
 */
public record Scenario(Path file, String name, Optional<String> about, Set<Dialect> dialects, List<NodeSpec> nodes,
                       Topology topology, Defaults defaults, String schema, Optional<List<TableConfig>> tables,
                       Map<String, List<Row>> initial, List<Step> steps, Expectations expect, SourceLines lines) {
    /** The arbitrary fixed day every scenario runs on (UTC); only the time of day matters. */
    public static final LocalDate DAY = LocalDate.of(2026, 1, 1);
    /** The scenario time when a scenario starts: the initial rows were written then. */
    public static final LocalTime START = LocalTime.NOON;

    public Scenario {
        Objects.requireNonNull(file);
        Objects.requireNonNull(name);
        Objects.requireNonNull(topology);
        Objects.requireNonNull(defaults);
        Objects.requireNonNull(schema);
        Objects.requireNonNull(expect);
        Objects.requireNonNull(lines);
        dialects = Collections.unmodifiableSet(dialects.isEmpty() ? EnumSet.noneOf(Dialect.class) : EnumSet.copyOf(dialects));
        nodes = List.copyOf(nodes);
        tables = tables.map(List::copyOf);
        LinkedHashMap<String, List<Row>> rows = new LinkedHashMap<>();
        initial.forEach((table, list) -> rows.put(table, List.copyOf(list)));
        initial = Collections.unmodifiableMap(rows);
        steps = List.copyOf(steps);
    }

    /** A scenario without {@link SourceLines}: problems found when it runs are reported on line 1. */
    public Scenario(Path file, String name, Optional<String> about, Set<Dialect> dialects, List<NodeSpec> nodes,
                    Topology topology, Defaults defaults, String schema, Optional<List<TableConfig>> tables,
                    Map<String, List<Row>> initial, List<Step> steps, Expectations expect) {
        this(file, name, about, dialects, nodes, topology, defaults, schema, tables, initial, steps, expect, SourceLines.NONE);
    }

    /** The instant a scenario time stands for, on {@link #DAY} in UTC. */
    public static Instant instant(LocalTime time) {
        return DAY.atTime(time).toInstant(ZoneOffset.UTC);
    }

    public Optional<NodeSpec> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** Whether the last step is {@code sync} (then convergence is checked unless the file says otherwise). */
    public boolean endsWithSync() {
        return !steps.isEmpty() && steps.get(steps.size() - 1) instanceof SyncStep;
    }
}
