package dev.converge.resolvers.sql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Name;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A function in the database as the configuration names it ({@code resolve_stock}, or {@code inventory.resolve_stock}
 * with its schema), found in the database's {@code information_schema} and called by the name the database spells it
 * with, quoted: exact spelling first, else ignoring case (an unquoted {@code CREATE ALIAS resolve_stock} is
 * {@code RESOLVE_STOCK} on H2, {@code CREATE FUNCTION Resolve_Stock} is {@code resolve_stock} on PostgreSQL).
 * Immutable.
 *
 * @param schema the function's schema, as the database spells it
 * @param name the function's name, as the database spells it
 * @param argument how the conflict's JSON is passed, by the type of the function's one parameter
 */
record SqlFunction(String schema, String name, Argument argument) {
    /** How the one argument is bound: the JSON text as text, or as the dialect's JSON types. */
    enum Argument {
        TEXT, JSON, JSONB
    }

    private static final List<String> TEXT_TYPES = List.of("text", "character varying", "varchar", "character large object", "clob");

    /** The quoted, schema-qualified name. */
    Name qualified() {
        return DSL.name(schema, name);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }

    /** The call with {@code json} as the argument, answering text. */
    Field<String> call(String json) {
        Field<?> arg = switch (argument) {
            case TEXT -> DSL.val(json, SQLDataType.VARCHAR);
            case JSON -> DSL.val(JSON.valueOf(json));
            case JSONB -> DSL.val(JSONB.valueOf(json));
        };
        return DSL.function(qualified(), SQLDataType.VARCHAR, arg);
    }

    /**
     * The function {@code configured} names in {@code database}: exactly one function of that name in its schema (the
     * current one if none is named) taking one parameter of a text or JSON type and returning one.
     *
     * @throws IllegalArgumentException naming the function and saying what is missing or unfit
     */
    static SqlFunction find(DSLContext database, String configured) {
        String[] parts = configured.split("\\.", -1);
        if (parts.length > 2 || List.of(parts).stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("resolver sql-function: function '" + configured + "' is not a name or schema.name");
        }
        try {
            String schema = parts.length == 2 ? parts[0] : database.fetchValue(DSL.currentSchema());
            String name = parts[parts.length - 1];
            List<Routine> routines = routines(database, schema, name);
            if (routines.isEmpty()) {
                throw new IllegalArgumentException("resolver sql-function: no function '" + configured + "' in the database (schema "
                    + schema + "); create it before the node opens (CREATE FUNCTION on PostgreSQL, CREATE ALIAS on H2)");
            }
            return fit(database, configured, routines);
        } catch (DataAccessException e) {
            throw new IllegalArgumentException("resolver sql-function: cannot look up function '" + configured + "': " + firstLine(e.getMessage()), e);
        }
    }

    // information_schema's own names are written unquoted, so that each database folds them its way (H2 to upper case)

    /** One row of information_schema.routines. */
    private record Routine(String schema, String name, String specific, String returns) {
        String spelling() {
            return schema + "." + name;
        }
    }

    /** Routines of that schema and name: the exact spelling if there is one, else those that match ignoring case. */
    private static List<Routine> routines(DSLContext database, String schema, String name) {
        Field<String> rSchema = DSL.field(DSL.unquotedName("routine_schema"), String.class);
        Field<String> rName = DSL.field(DSL.unquotedName("routine_name"), String.class);
        List<Routine> all = database.select(rSchema, rName, DSL.field(DSL.unquotedName("specific_name"), String.class),
                DSL.field(DSL.unquotedName("data_type"), String.class))
            .from(DSL.table(DSL.unquotedName("information_schema", "routines")))
            .where(DSL.upper(rSchema).eq(schema.toUpperCase(Locale.ROOT)).and(DSL.upper(rName).eq(name.toUpperCase(Locale.ROOT)))
                .and(DSL.field(DSL.unquotedName("routine_type"), String.class).eq("FUNCTION")))
            .fetch(r -> new Routine(r.value1(), r.value2(), r.value3(), Optional.ofNullable(r.value4()).orElse("")));
        List<Routine> exact = all.stream().filter(r -> r.schema().equals(schema) && r.name().equals(name)).toList();
        return exact.isEmpty() ? all : exact;
    }

    private static SqlFunction fit(DSLContext database, String configured, List<Routine> routines) {
        List<String> spellings = routines.stream().map(Routine::spelling).distinct().toList();
        if (spellings.size() > 1) {
            throw new IllegalArgumentException("resolver sql-function: function '" + configured + "' matches " + spellings
                + " ignoring case; name one with its exact spelling");
        }
        if (routines.size() > 1) {
            throw new IllegalArgumentException("resolver sql-function: function '" + configured + "' has " + routines.size()
                + " overloads; keep one, taking the conflict as one JSON or text argument");
        }
        Routine routine = routines.get(0);
        List<String> parameters = parameters(database, routine.schema(), routine.specific());
        if (parameters.size() != 1) {
            throw new IllegalArgumentException("resolver sql-function: function '" + configured + "' takes " + parameters.size()
                + " parameters; it must take one, the conflict as JSON (json, jsonb or text on PostgreSQL, a Java String (VARCHAR) on H2)");
        }
        Optional<Argument> argument = argument(parameters.get(0));
        if (argument.isEmpty()) {
            throw new IllegalArgumentException("resolver sql-function: function '" + configured + "' takes a " + parameters.get(0)
                + "; it must take the conflict as JSON (json, jsonb or text on PostgreSQL, a Java String (VARCHAR) on H2)");
        }
        if (argument(routine.returns()).isEmpty()) {
            throw new IllegalArgumentException("resolver sql-function: function '" + configured + "' returns " + routine.returns()
                + "; it must return its decision as JSON or text");
        }
        return new SqlFunction(routine.schema(), routine.name(), argument.get());
    }

    /** The types of the routine's input parameters, in order. */
    private static List<String> parameters(DSLContext database, String schema, String specific) {
        Field<String> mode = DSL.field(DSL.unquotedName("parameter_mode"), String.class);
        return database.select(DSL.field(DSL.unquotedName("data_type"), String.class), mode)
            .from(DSL.table(DSL.unquotedName("information_schema", "parameters")))
            .where(DSL.field(DSL.unquotedName("specific_schema"), String.class).eq(schema)
                .and(DSL.field(DSL.unquotedName("specific_name"), String.class).eq(specific)))
            .orderBy(DSL.field(DSL.unquotedName("ordinal_position")))
            .fetch().stream()
            .filter(r -> r.get(1, String.class) == null || !r.get(1, String.class).equalsIgnoreCase("OUT"))
            .map(r -> r.get(0, String.class))
            .toList();
    }

    private static Optional<Argument> argument(String type) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (t.equals("jsonb")) {
            return Optional.of(Argument.JSONB);
        }
        if (t.equals("json")) {
            return Optional.of(Argument.JSON);
        }
        return TEXT_TYPES.contains(t) ? Optional.of(Argument.TEXT) : Optional.empty();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
