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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.SQLDialect;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
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
 * <p>Hook: the node calls {@link #changed} in the first transaction of each call that sequences, applies or reads
 * the tables (on PostgreSQL one look at the catalog by its indexes, and the full query only when that look differs
 * from the last; nothing on embedded H2 unless DDL ran), replaces
 * its bound tables, outbound queue and apply engine with ones built on the returned tables, and calls {@link #reset}
 * if that transaction rolls back; and it asks {@link #misfit} before it applies a ChangeSet, treating a misfit like
 * unmet dependencies. Not thread-safe: the node serialises its calls.
 */
public final class SchemaWatch {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaWatch.class);
    private static final int REMEMBERED_WARNINGS = 1000;

    private final NodeConfig config;
    private final Dialect dialect;
    private Map<String, List<String>> columns;
    /** Embedded H2's metadata version when {@link #columns} were read (it changes with every DDL statement), or -1. */
    private long h2MetaVersion;
    private Map<String, List<String>> refused = Map.of();
    /**
     * PostgreSQL: the tables' attributes (name, number, type, modifier) as {@link #fingerprint} read them after the
     * last full look, or null (look in full next time). While they are the same, the columns are the same: a column
     * added, dropped, renamed or retyped changes its attribute row, and a table dropped or created again under a
     * spelling looked for changes the set.
     */
    private List<List<Object>> attributes;
    /** The tables {@link #columnsByTable} was built for, by identity: the node binds a new list when a table changes. */
    private List<BoundTable> columnsBoundTo;
    /** {@link #misfit}'s columns per table name as a ChangeSet spells it (empty: not replicated here). */
    private final Map<String, Optional<Columns>> columnsByTable = new HashMap<>();
    private boolean reinstallAll;
    private final Set<ChangeSetId> warned = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChangeSetId, Boolean> eldest) {
            return size() > REMEMBERED_WARNINGS;
        }
    });

    private SchemaWatch(NodeConfig config, Dialect dialect, Map<String, List<String>> columns, long h2MetaVersion) {
        this.config = config;
        this.dialect = dialect;
        this.columns = columns;
        this.h2MetaVersion = h2MetaVersion;
    }

    /** Starts watching; call it before the configuration is bound, so that a change made while binding is seen later. */
    public static SchemaWatch start(DSLContext ctx, NodeConfig config, Dialect dialect) {
        long version = h2MetaVersion(ctx);
        return new SchemaWatch(config, dialect, columns(ctx, config), version);
    }

    /**
     * The tables bound again, if a replicated table's columns changed since the last call and the new binding differs
     * from {@code current}; capture is re-installed for the tables that changed.
     */
    public Optional<List<BoundTable>> changed(DSLContext ctx, List<BoundTable> current) {
        long version = h2MetaVersion(ctx);
        if (version != -1 && version == h2MetaVersion) {
            return Optional.empty(); // no DDL at all since the last look
        }
        h2MetaVersion = version;
        List<List<Object>> seen = null;
        if (ctx.dialect().family() == SQLDialect.POSTGRES) {
            seen = fingerprint(ctx, spellings());
            if (seen.equals(attributes)) {
                return Optional.empty(); // no column of these tables changed since the last full look
            }
        }
        // the fingerprint is kept only once the full look is done: a look that throws leaves the next call to look again
        Optional<List<BoundTable>> out = changedInFull(ctx, current);
        attributes = seen;
        return out;
    }

    private Optional<List<BoundTable>> changedInFull(DSLContext ctx, List<BoundTable> current) {
        Map<String, List<String>> now = columns(ctx, config);
        if (now.equals(columns) || now.equals(refused)) {
            return Optional.empty(); // the same as bound, or the same that did not fit (logged already)
        }
        Either<ConfigError, List<BoundTable>> bound = TableCatalog.bind(ctx, config);
        if (bound.isLeft()) {
            LOG.error("node {}: a replicated table changed and no longer fits the configuration ({}); replication goes on with the"
                + " tables as they were bound before, until the table or the configuration is changed to fit", config.id(), bound.getLeft());
            refused = now;
            return Optional.empty();
        }
        columns = now;
        List<BoundTable> changed = new ArrayList<>();
        for (BoundTable t : bound.get()) {
            Optional<BoundTable> before = current.stream().filter(c -> c.name().equals(t.name())).findFirst();
            if (reinstallAll || before.isEmpty() || !shape(before.get()).equals(shape(t))) {
                changed.add(t);
            }
        }
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        reinstallAll = false;
        new Installer(ctx, dialect).reinstall(changed);
        changed.forEach(t -> LOG.info("node {}: table {} changed; capture and apply follow its columns now: {}", config.id(), t.name(),
            t.spec().allColumns()));
        return Optional.of(bound.get());
    }

    /** Forgets what the columns were, so that the next {@link #changed} binds and re-installs capture for every table. */
    public void reset() {
        columns = Map.of();
        h2MetaVersion = -1;
        attributes = null;
        reinstallAll = true;
    }

    /**
     * Why {@code cs} cannot be applied to the tables as bound: the first column one of its changes names that the
     * table here does not have. Empty if every column is there.
     */
    public Optional<String> misfit(ChangeSet cs, List<BoundTable> tables) {
        // per table, its columns as spelt here and in lower case, kept while the bound tables are the same: asked for
        // every ChangeSet, of thousands of images or of a few (building the sets took 4 % of a node's CPU under OLTP)
        if (tables != columnsBoundTo) {
            columnsBoundTo = tables;
            columnsByTable.clear();
        }
        Map<String, Optional<Columns>> byTable = columnsByTable;
        for (Change c : cs.changes()) {
            Optional<Columns> t = byTable.computeIfAbsent(c.table(), name -> tables.stream().filter(b -> b.name().equals(name)).findFirst()
                .or(() -> tables.stream().filter(b -> b.name().equalsIgnoreCase(name)).findFirst()).map(Columns::of));
            if (t.isEmpty()) {
                continue; // not replicated here: the node refuses such a ChangeSet before it gets this far
            }
            for (RowImage image : images(c)) {
                for (String column : image.values().keySet()) {
                    if (!t.get().has(column)) {
                        String why = "ChangeSet " + cs.id() + " writes column " + column + " of table " + t.get().table().name() + ", which table "
                            + t.get().table().name() + " does not have here; it waits until the column is added (and every later ChangeSet of "
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

    /** A table's columns, as spelt here and in lower case, for a case-insensitive look-up by name. */
    private record Columns(BoundTable table, Set<String> exact, Set<String> lower) {
        static Columns of(BoundTable t) {
            return new Columns(t, Set.copyOf(t.spec().allColumns()),
                t.spec().allColumns().stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
        }

        boolean has(String column) {
            return exact.contains(column) || lower.contains(column.toLowerCase(Locale.ROOT));
        }
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

    /**
     * Embedded H2's metadata version, which H2 changes with every DDL statement and nothing else; -1 for PostgreSQL
     * and for H2 over a network connection.
     */
    private static long h2MetaVersion(DSLContext ctx) {
        if (ctx.dialect().family() != SQLDialect.H2) {
            return -1;
        }
        return ctx.connectionResult(c -> c.isWrapperFor(JdbcConnection.class)
            && c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session ? session.getDatabase().getModificationMetaId() : -1L);
    }

    /**
     * The names the fingerprint looks tables up by: the configured names in lower case (as PostgreSQL folds them) and
     * the catalog's spellings found by the last full look (a table created with a quoted name), in their exact spelling,
     * so that the catalog's name index finds them: the full look's {@code lower(relname)} reads all of
     * {@code pg_class}, which is most of its cost.
     */
    private String[] spellings() {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        config.tables().forEach(t -> out.add(t.name().toLowerCase(Locale.ROOT)));
        out.addAll(columns.keySet());
        out.addAll(refused.keySet());
        return out.toArray(String[]::new);
    }

    /**
     * PostgreSQL: the attributes of the tables spelled {@code spellings} in the current schema, in order — table name
     * and oid, number, column name, type and type modifier; two index look-ups per table. The one change it does not look for is
     * a second table whose name differs from a replicated one's only in case, created while that one stays.
     */
    static List<List<Object>> fingerprint(DSLContext ctx, String[] spellings) {
        List<List<Object>> out = new ArrayList<>();
        ctx.resultQuery("SELECT c.relname::text, c.oid::bigint, a.attnum::int, a.attname::text, a.atttypid::bigint, a.atttypmod FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
                + " WHERE c.relname = ANY({0}::name[]) AND c.relnamespace = to_regnamespace(current_schema())::oid"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 3", org.jooq.impl.DSL.val(spellings))
            .forEach(r -> out.add(List.of(r.get(0, String.class), r.get(1, Long.class), r.get(2, Integer.class), r.get(3, String.class),
                r.get(4, Long.class), r.get(5, Integer.class))));
        return out;
    }

    /** The columns of the configured tables with their types, per table as the catalog spells it: one query. */
    static Map<String, List<String>> columns(DSLContext ctx, NodeConfig config) {
        List<String> names = config.tables().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).distinct().toList();
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (ctx.dialect().family() == SQLDialect.POSTGRES) {
            // the catalog itself: information_schema.columns costs a few times more
            ctx.resultQuery("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a"
                    + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace"
                    + " WHERE s.nspname = current_schema() AND lower(c.relname) = ANY({0}) AND a.attnum > 0 AND NOT a.attisdropped"
                    + " ORDER BY c.relname, a.attnum", org.jooq.impl.DSL.val(names.toArray(String[]::new)))
                .forEach(r -> out.computeIfAbsent(r.get(0, String.class), k -> new ArrayList<>()).add(r.get(1, String.class) + " "
                    + r.get(2, String.class)));
            return out;
        }
        boolean h2 = ctx.dialect().family() == SQLDialect.H2; // H2's information schema is spelled in upper case
        java.util.function.Function<String, Name> n = s -> name(h2 ? s.toUpperCase(Locale.ROOT) : s);
        Field<String> tableName = field(n.apply("table_name"), String.class);
        Field<String> columnName = field(n.apply("column_name"), String.class);
        Field<String> dataType = field(n.apply("data_type"), String.class);
        Field<Integer> position = field(n.apply("ordinal_position"), Integer.class);
        Field<String> schema = field(n.apply("table_schema"), String.class);
        ctx.select(tableName, columnName, dataType).from(table(name(n.apply("information_schema"), n.apply("columns"))))
            .where(schema.eq(currentSchema())).and(lower(tableName).in(names))
            .orderBy(tableName, position)
            .forEach(r -> out.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2() + " " + Objects.toString(r.value3())));
        return out;
    }
}
