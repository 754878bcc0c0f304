package dev.converge.install;

import static org.jooq.impl.DSL.currentSchema;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.lower;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.converge.capture.Installer;
import dev.converge.catalog.BoundTable;
import dev.converge.catalog.TableCatalog;
import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.dialect.Dialect;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetId;
import dev.converge.model.RowImage;
import io.vavr.control.Either;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the columns of the replicated tables while a node runs, so that a column added, dropped, renamed or
 * retyped on a live table neither breaks replication nor puts a value in the wrong column.
 *
 * <p>{@link #changed} compares the tables' columns (one catalog query) with what they were at the last check; when
 * they differ it binds the configuration again and re-installs capture for the tables whose shape changed (on
 * PostgreSQL the trigger functions name json columns, a filter may name any), and the node then works with the new
 * binding: the sequencer canonicalises and projects captured rows by the columns the table has now, the apply engine
 * writes them. (The H2 trigger follows by itself: see {@code H2CaptureTrigger}.) If the table no longer fits its
 * configuration (a column of its column subset was dropped), the old binding is kept and the problem logged once.
 *
 * <p>{@link #misfit} says whether an incoming ChangeSet names a column the table here lacks: the node keeps it in the
 * inbox until the column is added (its origin's later ChangeSets wait behind it), logging once per ChangeSet. A
 * column the change does not carry (the origin has no such column, or not yet) is left as it is by the apply engine.
 *
 * <p>Hook: the node calls {@link #changed} at the start of each call that sequences, applies or reads the tables and
 * replaces its bound tables, outbound queue and apply engine with ones built on the returned tables; and asks
 * {@link #misfit} before it applies a ChangeSet, treating a misfit like unmet dependencies. Not thread-safe: the node
 * serialises its calls.
 */
public final class SchemaWatch {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaWatch.class);
    private static final int REMEMBERED_WARNINGS = 1000;

    private final NodeConfig config;
    private final Dialect dialect;
    private Map<String, List<String>> columns;
    private Map<String, List<String>> refused = Map.of();
    private final Set<ChangeSetId> warned = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChangeSetId, Boolean> eldest) {
            return size() > REMEMBERED_WARNINGS;
        }
    });

    private SchemaWatch(NodeConfig config, Dialect dialect, Map<String, List<String>> columns) {
        this.config = config;
        this.dialect = dialect;
        this.columns = columns;
    }

    /** Starts watching; call it before the configuration is bound, so that a change made while binding is seen later. */
    public static SchemaWatch start(DSLContext ctx, NodeConfig config, Dialect dialect) {
        return new SchemaWatch(config, dialect, columns(ctx, config));
    }

    /**
     * The tables bound again, if a replicated table's columns changed since the last call and the new binding differs
     * from {@code current}; capture is re-installed for the tables that changed.
     */
    public Optional<List<BoundTable>> changed(DSLContext ctx, List<BoundTable> current) {
        Map<String, List<String>> now = columns(ctx, config);
        if (now.equals(columns)) {
            return Optional.empty();
        }
        Either<ConfigError, List<BoundTable>> bound = TableCatalog.bind(ctx, config);
        if (bound.isLeft()) {
            if (!now.equals(refused)) {
                LOG.error("node {}: a replicated table changed and no longer fits the configuration ({}); replication goes on with the"
                    + " tables as they were bound before, until the table or the configuration is changed to fit", config.id(), bound.getLeft());
                refused = now;
            }
            return Optional.empty();
        }
        columns = now;
        List<BoundTable> changed = new ArrayList<>();
        for (BoundTable t : bound.get()) {
            Optional<BoundTable> before = current.stream().filter(c -> c.name().equals(t.name())).findFirst();
            if (before.isEmpty() || !shape(before.get()).equals(shape(t))) {
                changed.add(t);
            }
        }
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        new Installer(ctx, dialect).reinstall(changed);
        changed.forEach(t -> LOG.info("node {}: table {} changed; capture and apply follow its columns now: {}", config.id(), t.name(),
            t.spec().allColumns()));
        return Optional.of(bound.get());
    }

    /**
     * Why {@code cs} cannot be applied to the tables as bound: the first column one of its changes names that the
     * table here does not have. Empty if every column is there.
     */
    public Optional<String> misfit(ChangeSet cs, List<BoundTable> tables) {
        for (Change c : cs.changes()) {
            Optional<BoundTable> t = tables.stream().filter(b -> b.name().equals(c.table())).findFirst()
                .or(() -> tables.stream().filter(b -> b.name().equalsIgnoreCase(c.table())).findFirst());
            if (t.isEmpty()) {
                continue; // not replicated here: the node refuses such a ChangeSet before it gets this far
            }
            for (RowImage image : images(c)) {
                for (String column : image.values().keySet()) {
                    if (t.get().spec().allColumns().stream().noneMatch(have -> have.equalsIgnoreCase(column))) {
                        String why = "ChangeSet " + cs.id() + " writes column " + column + " of table " + t.get().name() + ", which table "
                            + t.get().name() + " does not have here; it waits until the column is added (and every later ChangeSet of "
                            + cs.origin() + " behind it)";
                        if (warned.add(cs.id())) {
                            LOG.warn("node {}: {}", config.id(), why);
                        }
                        return Optional.of(why);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<RowImage> images(Change c) {
        List<RowImage> out = new ArrayList<>(2);
        c.before().ifPresent(out::add);
        c.after().ifPresent(out::add);
        return out;
    }

    /** What decides how a table's rows are read and written: its columns with their types, its key, what is replicated. */
    private static List<Object> shape(BoundTable t) {
        List<Object> out = new ArrayList<>();
        out.add(t.spec());
        t.fieldsByName().forEach((n, f) -> out.add(n + " " + f.getDataType().getTypeName() + " " + f.getDataType().getType().getName()));
        return out;
    }

    /** The columns of the configured tables with their types, per table as the catalog spells it: one query. */
    static Map<String, List<String>> columns(DSLContext ctx, NodeConfig config) {
        boolean h2 = ctx.dialect().family() == SQLDialect.H2; // H2's information schema is spelled in upper case
        java.util.function.Function<String, Name> n = s -> name(h2 ? s.toUpperCase(Locale.ROOT) : s);
        Field<String> tableName = field(n.apply("table_name"), String.class);
        Field<String> columnName = field(n.apply("column_name"), String.class);
        Field<String> dataType = field(n.apply("data_type"), String.class);
        Field<Integer> position = field(n.apply("ordinal_position"), Integer.class);
        Field<String> schema = field(n.apply("table_schema"), String.class);
        List<String> names = config.tables().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).distinct().toList();
        Map<String, List<String>> out = new LinkedHashMap<>();
        ctx.select(tableName, columnName, dataType).from(table(name(n.apply("information_schema"), n.apply("columns"))))
            .where(schema.eq(currentSchema())).and(lower(tableName).in(names))
            .orderBy(tableName, position)
            .forEach(r -> out.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2() + " " + Objects.toString(r.value3())));
        return out;
    }
}
