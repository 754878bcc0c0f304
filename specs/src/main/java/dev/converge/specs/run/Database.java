package dev.converge.specs.run;

import dev.converge.dialect.Dialect;
import dev.converge.model.Values;
import dev.converge.specs.model.Row;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The runner's own JDBC: the schema script, the tables of the schema, initial rows in and table contents out. Table
 * and column names from a scenario are looked up in the database's metadata (ignoring case, because H2 folds unquoted
 * names to upper case and PostgreSQL to lower case) and then used quoted, through jOOQ.
 */
final class Database {
    private Database() {
    }

    /** One statement of the schema script (see {@link SqlScript}). */
    static void execute(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** The base tables of the connection's current schema, by name. */
    static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                if ("TABLE".equals(type) || "BASE TABLE".equals(type)) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
        }
        tables.sort(String.CASE_INSENSITIVE_ORDER);
        return tables;
    }

    /** The database's spelling of a table a scenario names: exactly, else ignoring case. */
    static Optional<String> findTable(Connection c, String name) throws SQLException {
        List<String> tables = tables(c);
        if (tables.contains(name)) {
            return Optional.of(name);
        }
        return tables.stream().filter(t -> t.equalsIgnoreCase(name)).findFirst();
    }

    /** Column name (the database's spelling) to JDBC type, in column order. */
    static Map<String, Integer> columns(Connection c, String table) throws SQLException {
        Map<String, Integer> columns = new LinkedHashMap<>();
        try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
            while (rs.next()) {
                columns.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
            }
        }
        return columns;
    }

    static void insert(Connection c, Dialect dialect, String table, Row row) throws SQLException {
        String actual = findTable(c, table).orElseThrow(() -> new ScenarioFailure("initial: table " + table
            + " is not in the schema"));
        Map<String, Integer> columns = columns(c, actual);
        List<Field<Object>> fields = new ArrayList<>();
        List<Field<?>> values = new ArrayList<>();
        for (Map.Entry<String, Object> e : row.values().entrySet()) {
            String column = columns.keySet().stream().filter(k -> k.equalsIgnoreCase(e.getKey())).findFirst()
                .orElseThrow(() -> new ScenarioFailure("initial: table " + table + " has no column " + e.getKey()));
            fields.add(DSL.field(DSL.name(column)));
            Object value = converted(table, column, e.getValue(), columns.get(column));
            values.add(value == null ? DSL.inline((Object) null) : DSL.val(value));
        }
        DSL.using(c, dialect.jooq()).insertInto(DSL.table(DSL.name(actual))).columns(fields).values(values).execute();
    }

    private static Object converted(String table, String column, Object value, int jdbcType) {
        try {
            return forColumn(value, jdbcType);
        } catch (RuntimeException e) {
            throw new ScenarioFailure("initial: " + table + "." + column + ": cannot use " + Row.formatValue(value)
                + " here: " + e.getMessage(), e);
        }
    }

    /**
     * A YAML value as the column wants it: dates and times are written as ISO text in a scenario but PostgreSQL will
     * not take text for a DATE, and a number in a text column is its text.
     */
    static Object forColumn(Object value, int jdbcType) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            String t = text.strip();
            return switch (jdbcType) {
                case Types.DATE -> LocalDate.parse(t);
                case Types.TIME -> LocalTime.parse(t);
                case Types.TIMESTAMP -> LocalDateTime.parse(t.replace(' ', 'T'));
                case Types.TIMESTAMP_WITH_TIMEZONE -> OffsetDateTime.parse(t.replace(' ', 'T'));
                default -> text;
            };
        }
        return isText(jdbcType) ? value.toString() : value;
    }

    private static boolean isText(int jdbcType) {
        return jdbcType == Types.CHAR || jdbcType == Types.VARCHAR || jdbcType == Types.LONGVARCHAR
            || jdbcType == Types.NCHAR || jdbcType == Types.NVARCHAR || jdbcType == Types.CLOB;
    }

    /** Every row of a table, columns lower-cased, values in {@link Values#canonical canonical} form; empty if there is no such table. */
    static Optional<List<Map<String, Object>>> contents(Connection c, Dialect dialect, String table) throws SQLException {
        Optional<String> actual = findTable(c, table);
        if (actual.isEmpty()) {
            return Optional.empty();
        }
        // plain JDBC with java.time: jOOQ's default types are java.sql.Date/Timestamp, whose Julian calendar shifts days
        // before 1582-10-15 (0001-01-01 read as 0001-01-03, 1582-10-10 as 1582-10-20)
        List<Map<String, Object>> rows = new ArrayList<>();
        String select = DSL.using(c, dialect.jooq()).render(DSL.selectFrom(DSL.table(DSL.name(actual.get()))));
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(select)) {
            java.sql.ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                LinkedHashMap<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), Values.canonical(exact(rs, i, md.getColumnType(i), md.getColumnTypeName(i))));
                }
                rows.add(row);
            }
        }
        return Optional.of(rows);
    }

    /** A column's value with dates and times as java.time values (the drivers convert those without a calendar). */
    private static Object exact(java.sql.ResultSet rs, int i, int jdbcType, String typeName) throws SQLException {
        if ("jsonb".equalsIgnoreCase(typeName)) {
            // jsonb compares as jOOQ prints it (compact), as scenarios have always written it
            String text = rs.getString(i);
            return text == null ? null : org.jooq.JSONB.valueOf(text).toString();
        }
        Object v = switch (jdbcType) {
            case Types.DATE -> rs.getObject(i, LocalDate.class);
            case Types.TIME -> rs.getObject(i, LocalTime.class);
            case Types.TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(i, OffsetDateTime.class);
            default -> rs.getObject(i);
        };
        return rs.wasNull() ? null : v;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
