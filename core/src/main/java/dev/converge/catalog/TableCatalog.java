package dev.converge.catalog;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;

import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.ReplicatedTable;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.shadow.ShadowTable;
import io.vavr.control.Either;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.UniqueKey;

/**
 * Reads the replicated tables' structure from the database and checks the configuration against it: every table
 * exists in the current schema (spelled exactly, or ignoring case when that names only one table) and has a primary
 * key, no table is configured twice, a column subset names existing columns and contains the whole key, a row filter
 * is a valid boolean expression over the table, and the names Converge generates for the tables are distinct
 * ({@link GeneratedNames}). The first problem found is returned as a {@link ConfigError} naming the table; nothing is
 * installed until the whole configuration is valid.
 *
 * <p>Stateless; thread-safe; works in the caller's transaction.
 */
public final class TableCatalog {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableCatalog.class);

    private TableCatalog() {
    }

    public static Either<ConfigError, List<BoundTable>> bind(DSLContext ctx, NodeConfig config) {
        if (config.tables().isEmpty()) {
            return Either.left(new ConfigError("tables", "no replicated table is configured"));
        }
        String schema = currentSchema(ctx);
        List<Table<?>> tables = ctx.meta().getSchemas().stream()
            .filter(s -> s.getName().equalsIgnoreCase(schema)).flatMap(s -> s.getTables().stream()).toList();
        List<BoundTable> out = new ArrayList<>();
        for (TableConfig tc : config.tables()) {
            Either<ConfigError, BoundTable> bound = bindOne(ctx, tc, tables);
            if (bound.isLeft()) {
                return Either.left(bound.getLeft());
            }
            Optional<BoundTable> twice = out.stream().filter(b -> b.name().equals(bound.get().name())).findFirst();
            if (twice.isPresent()) {
                return Either.left(new ConfigError("table " + tc.name(), "names the same table as " + configuredName(config, twice.get())
                    + " (" + bound.get().name() + "); configure it once"));
            }
            out.add(bound.get());
        }
        Optional<ConfigError> collision = GeneratedNames.collision(out, ctx.dialect());
        if (collision.isPresent()) {
            return Either.left(collision.get());
        }
        if (ctx.dialect().family() == SQLDialect.POSTGRES) {
            unindexedReads(tables, out).forEach(LOG::warn); // H2 indexes every foreign key's columns itself
        }
        return Either.right(out);
    }

    /**
     * The foreign keys between {@code bound} tables that the apply reads by their referring columns before a parent's
     * delete is written — every key referring to a table that a cascading or nulling key refers to, or that such a
     * cascade reaches (see {@code apply.CascadeReach}) — whose referring columns lead no index of their table, each as
     * a sentence for a warning at open: each such read scans the table. For PostgreSQL, which does not index a
     * foreign key's columns itself (H2 does, with an index jOOQ's meta does not show). {@code meta} is the schema's
     * tables as jOOQ reads them.
     */
    static List<String> unindexedReads(List<Table<?>> meta, List<BoundTable> bound) {
        java.util.Set<String> replicated = new java.util.HashSet<>();
        bound.forEach(b -> replicated.add(b.name().toLowerCase(java.util.Locale.ROOT)));
        java.util.Set<String> reached = new java.util.HashSet<>();
        for (BoundTable b : bound) {
            b.references().stream().filter(r -> r.deleteRule().equals("CASCADE") || r.deleteRule().equals("SET NULL"))
                .map(r -> r.parentTable().toLowerCase(java.util.Locale.ROOT)).filter(replicated::contains).forEach(reached::add);
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (BoundTable b : bound) {
                boolean below = b.references().stream().anyMatch(r -> r.deleteRule().equals("CASCADE")
                    && reached.contains(r.parentTable().toLowerCase(java.util.Locale.ROOT)));
                grew |= below && reached.add(b.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        List<String> out = new ArrayList<>();
        for (BoundTable b : bound) {
            Optional<Table<?>> table = meta.stream().filter(t -> t.getName().equals(b.name())).findFirst();
            for (Reference r : b.references()) {
                if (table.isEmpty() || r.deleteRule().equals("SET DEFAULT") || !reached.contains(r.parentTable().toLowerCase(java.util.Locale.ROOT))
                    || indexed(table.get(), r.columns())) {
                    continue;
                }
                out.add("table " + b.name() + ": no index leads with the columns " + r.columns() + " of its foreign key " + r.name()
                    + " to " + r.parentTable() + ", which Converge reads before writing a delete of " + r.parentTable()
                    + " that a cascading or nulling key could carry to rows written concurrently: each such read scans " + b.name()
                    + "; an index on " + r.columns() + " makes it a look-up");
            }
        }
        return out;
    }

    /** Whether an index, the primary key or a unique key of {@code t} leads with {@code columns} (in any order). */
    private static boolean indexed(Table<?> t, List<String> columns) {
        java.util.Set<String> wanted = new java.util.HashSet<>();
        columns.forEach(c -> wanted.add(c.toLowerCase(java.util.Locale.ROOT)));
        List<List<String>> leads = new ArrayList<>();
        t.getIndexes().forEach(i -> leads.add(i.getFields().stream().map(org.jooq.SortField::getName).toList()));
        t.getKeys().forEach(k -> leads.add(k.getFields().stream().map(Field::getName).toList()));
        for (List<String> lead : leads) {
            if (lead.size() >= wanted.size()) {
                java.util.Set<String> head = new java.util.HashSet<>();
                lead.subList(0, wanted.size()).forEach(c -> head.add(c.toLowerCase(java.util.Locale.ROOT)));
                if (head.equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String configuredName(NodeConfig config, BoundTable t) {
        return config.tables().stream().map(TableConfig::name).filter(n -> n.equals(t.name())).findFirst()
            .orElseGet(() -> config.tables().stream().map(TableConfig::name).filter(n -> n.equalsIgnoreCase(t.name())).findFirst().orElse(t.name()));
    }

    /**
     * The table a configured name means: the one spelled exactly so, else the only one spelled so ignoring case (an
     * unquoted name as H2 and PostgreSQL fold it); empty if there is none, an error if the case alone cannot tell.
     */
    static Either<ConfigError, Optional<Table<?>>> find(String where, String configured, List<Table<?>> tables) {
        Optional<Table<?>> exact = tables.stream().filter(t -> t.getName().equals(configured)).findFirst();
        if (exact.isPresent()) {
            return Either.right(exact);
        }
        List<Table<?>> ignoringCase = tables.stream().filter(t -> t.getName().equalsIgnoreCase(configured)).toList();
        if (ignoringCase.size() > 1) {
            return Either.left(new ConfigError(where, "the database has several tables of this name in different cases ("
                + ignoringCase.stream().map(Table::getName).toList() + "); write the name exactly as one of them is spelled"));
        }
        return Either.right(ignoringCase.stream().findFirst());
    }

    private static String currentSchema(DSLContext ctx) {
        return ctx.connectionResult(c -> {
            String s = c.getSchema();
            return s == null ? "public" : s;
        });
    }

    @SuppressWarnings("unchecked")
    private static Either<ConfigError, BoundTable> bindOne(DSLContext ctx, TableConfig tc, List<Table<?>> tables) {
        String where = "table " + tc.name();
        if (tc.name().toLowerCase(java.util.Locale.ROOT).startsWith("cv_")) {
            return Either.left(new ConfigError(where, "names starting with cv_ are reserved for Converge's own tables"));
        }
        Either<ConfigError, Optional<Table<?>>> lookup = find(where, tc.name(), tables);
        if (lookup.isLeft()) {
            return Either.left(lookup.getLeft());
        }
        Optional<Table<?>> found = lookup.get();
        if (found.isEmpty()) {
            return Either.left(new ConfigError(where, "no such table in the database's current schema"));
        }
        Table<?> t = found.get();
        UniqueKey<?> pk = t.getPrimaryKey();
        if (pk == null || pk.getFields().isEmpty()) {
            return Either.left(new ConfigError(where, "has no primary key; Converge identifies rows by their primary key, add one"));
        }
        Map<String, Field<Object>> fields = new LinkedHashMap<>();
        for (Field<?> f : t.fields()) {
            fields.put(f.getName(), (Field<Object>) field(name(t.getName(), f.getName()), javaTime(f.getDataType())));
        }
        List<String> all = new ArrayList<>(fields.keySet());
        List<String> key = pk.getFields().stream().map(Field::getName).toList();
        Either<ConfigError, List<String>> columns = subset(where, tc, all, key);
        if (columns.isLeft()) {
            return Either.left(columns.getLeft());
        }
        Dialect dialect = ctx.dialect().family() == SQLDialect.POSTGRES ? Dialect.POSTGRESQL : Dialect.H2;
        Map<String, ColumnType> types = ColumnTypes.of(ctx, dialect, t.getName(), fields);
        Optional<ConfigError> refused = ColumnTypes.refusal(where, columns.get(), types, key, fields);
        if (refused.isPresent()) {
            return Either.left(refused.get());
        }
        Optional<ConfigError> badFilter = tc.filter().flatMap(f -> RowFilter.check(ctx, where, t.getName(), all, columns.get(), f));
        if (badFilter.isPresent()) {
            return Either.left(badFilter.get());
        }
        ReplicatedTable spec = new ReplicatedTable(t.getName(), key, columns.get(), all, tc.filter());
        List<Field<Object>> keyFields = key.stream().map(fields::get).toList();
        ShadowTable shadow = ShadowTable.of(t.getName(), keyFields, ctx.dialect());
        Generated generated = Generated.read(ctx, currentSchema(ctx), t.getName());
        return Either.right(new BoundTable(spec, (Table<Record>) table(name(t.getName())), fields, shadow, generated, types, dialect,
            uniques(t, key, columns.get()), references(ctx, t)));
    }

    /**
     * The foreign keys of the current schema's tables other than {@code replicated} (names as the database spells them,
     * matched ignoring case) that refer to one of {@code replicated}, by referring table: such a table, which Converge
     * does not replicate, can refuse a replicated row's delete. Reads the whole catalog: for a rare path, not per row.
     */
    public static Map<String, List<Reference>> referencesFromOtherTables(DSLContext ctx, java.util.Collection<String> replicated) {
        java.util.Set<String> names = new java.util.HashSet<>();
        replicated.forEach(n -> names.add(n.toLowerCase(java.util.Locale.ROOT)));
        String schema = currentSchema(ctx);
        Map<String, List<Reference>> out = new LinkedHashMap<>();
        ctx.meta().getSchemas().stream().filter(s -> s.getName().equalsIgnoreCase(schema)).flatMap(s -> s.getTables().stream())
            .filter(t -> !names.contains(t.getName().toLowerCase(java.util.Locale.ROOT)))
            .filter(t -> t.getReferences().stream().anyMatch(fk -> names.contains(fk.getKey().getTable().getName().toLowerCase(java.util.Locale.ROOT))))
            .forEach(t -> out.put(t.getName(), references(ctx, t).stream()
                .filter(r -> names.contains(r.parentTable().toLowerCase(java.util.Locale.ROOT))).toList()));
        return out;
    }

    /** The foreign keys of {@code t}, with their delete rules from the standard views (jOOQ's meta has no rule). */
    static List<Reference> references(DSLContext ctx, Table<?> t) {
        List<Reference> out = new ArrayList<>();
        for (org.jooq.ForeignKey<?, ?> fk : t.getReferences()) {
            String rule = ctx.resultQuery("SELECT delete_rule FROM information_schema.referential_constraints"
                + " WHERE constraint_name = {0} AND constraint_schema = CURRENT_SCHEMA", DSL.val(fk.getName())).fetchOne(0, String.class);
            out.add(new Reference(fk.getName(), fk.getFields().stream().map(Field::getName).toList(), fk.getKey().getTable().getName(),
                fk.getKeyFields().stream().map(Field::getName).toList(), rule));
        }
        return out;
    }

    /**
     * The column sets other than {@code key} that {@code t}'s unique constraints and unique indexes (without a predicate
     * or an expression) make unique, each once, restricted to the sets whose columns are all {@code replicated}.
     */
    static List<List<String>> uniques(Table<?> t, List<String> key, List<String> replicated) {
        java.util.LinkedHashSet<java.util.Set<String>> seen = new java.util.LinkedHashSet<>();
        List<List<String>> out = new ArrayList<>();
        java.util.function.Consumer<List<String>> add = cols -> {
            java.util.Set<String> set = new java.util.HashSet<>(cols);
            if (!cols.isEmpty() && !set.equals(new java.util.HashSet<>(key)) && replicated.containsAll(cols) && seen.add(set)) {
                out.add(cols);
            }
        };
        for (UniqueKey<?> k : t.getKeys()) {
            if (!k.isPrimary()) {
                add.accept(k.getFields().stream().map(Field::getName).toList());
            }
        }
        for (org.jooq.Index i : t.getIndexes()) {
            if (i.getUnique() && i.getWhere() == null) {
                List<String> cols = i.getFields().stream().map(org.jooq.SortField::getName).toList();
                if (cols.stream().allMatch(c -> java.util.Arrays.stream(t.fields()).anyMatch(f -> f.getName().equals(c)))) {
                    add.accept(cols);
                }
            }
        }
        return out;
    }

    /**
     * The catalog types date, time and timestamp as java.time types, bound and read through JDBC 4.2
     * ({@link JavaTimeBinding}): jOOQ reads them from the catalog as {@code java.sql.Date/Time/Timestamp}, whose
     * calendar shifts old dates, and {@code java.sql.Time} drops fractions of a second.
     */
    static DataType<?> javaTime(DataType<?> type) {
        Class<?> javaType = type.getType();
        if (javaType == java.sql.Time.class) {
            return SQLDataType.LOCALTIME(type.precision()).nullable(type.nullable()).asConvertedDataType(JavaTimeBinding.TIME);
        }
        if (javaType == java.sql.Timestamp.class) {
            return SQLDataType.LOCALDATETIME(type.precision()).nullable(type.nullable()).asConvertedDataType(JavaTimeBinding.TIMESTAMP);
        }
        if (javaType == java.sql.Date.class) {
            return SQLDataType.LOCALDATE.nullable(type.nullable()).asConvertedDataType(JavaTimeBinding.DATE);
        }
        return type;
    }

    private static Either<ConfigError, List<String>> subset(String where, TableConfig tc, List<String> all, List<String> key) {
        if (tc.columns().isEmpty()) {
            return Either.right(all);
        }
        List<String> wanted = tc.columns().get();
        List<String> resolved = new ArrayList<>();
        for (String w : wanted) {
            Optional<String> c = all.stream().filter(a -> a.equalsIgnoreCase(w)).findFirst();
            if (c.isEmpty()) {
                return Either.left(new ConfigError(where, "column subset names '" + w + "', which the table does not have (it has " + all + ")"));
            }
            resolved.add(c.get());
        }
        List<String> missing = key.stream().filter(k -> resolved.stream().noneMatch(r -> r.equalsIgnoreCase(k))).toList();
        if (!missing.isEmpty()) {
            return Either.left(new ConfigError(where, "column subset must contain every primary-key column; missing " + missing));
        }
        // keep the table's column order, whatever order the subset was written in
        return Either.right(all.stream().filter(resolved::contains).toList());
    }

    static boolean exists(DSLContext ctx) {
        return ctx.fetchExists(selectOne());
    }
}
