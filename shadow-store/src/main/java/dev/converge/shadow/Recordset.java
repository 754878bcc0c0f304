package dev.converge.shadow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Many rows as one PostgreSQL statement, as a table source ({@link #source}) for {@code INSERT ... SELECT},
 * {@code UPDATE ... FROM} or {@code DELETE ... USING}. Each value goes through its column's input function, exactly as
 * if it had been bound on its own. Two forms:
 * <ul>
 *   <li><b>typed arrays</b>, tried first: each column bound as one {@code varchar[]} of the values' text ({@link #text})
 *   and cast back to the column's type by name in the statement
 *   ({@code SELECT CAST(c AS integer) AS c, ... FROM unnest(?, ?, ...)}). Only for columns whose type jOOQ names
 *   faithfully without a length or precision (strings, numbers, booleans, dates and times, binary, UUID, JSON; the
 *   column's own length or precision then applies as the row is assigned, as it would to a bound value);</li>
 *   <li>a <b>JSON recordset</b> otherwise: the rows as one {@code json} parameter that
 *   {@code json_populate_recordset(NULL::<table>, ?)} turns back into rows of the table's own row type. The parameter is
 *   {@code json}, not {@code jsonb}: jsonb would normalise a {@code json} column's text (spaces, key order) on the way.</li>
 * </ul>
 *
 * <p><b>Why:</b> a JDBC batch of single-row statements costs the server one statement execution per row (tens of
 * microseconds each); a statement over the rows costs one. It is what lets a 1,000-row ChangeSet apply in about the time
 * the origin took to write it. Arrays before JSON: {@code json_populate_recordset} looks every attribute of every row
 * up by name, which for a shadow table's versions cost about as much as writing them (0.57 s of 1.15 s for 250,000 fresh
 * versions, in psql on 2 cores), where parsing the same columns as arrays took 0.13 s.
 *
 * <p>Values are written in the text form PostgreSQL's input functions read: numbers in plain notation, binary as
 * {@code \x} and hex digits, dates and times in ISO-8601 (years BC with their era), JSON values as they are (in the
 * JSON form but for a JSON {@code null}, which would arrive as SQL NULL). A value of any other Java type has no such
 * form here, and a set too large for one statement has no place in one: {@link #source} says so with an empty result,
 * and the caller then writes the rows its slower, general way. Stateless and thread-safe.
 */
public final class Recordset {
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    /** At most this many rows go in one recordset. */
    public static final int MAX_ROWS = 10_000;

    /**
     * At most this many characters of JSON go in one recordset; rows that would make more go the general way. Far
     * below PostgreSQL's 1 GB limit on a value, and it bounds the memory one statement takes on both sides.
     */
    public static final int MAX_CHARS = 64 * 1024 * 1024;

    private Recordset() {
    }

    /**
     * The rows as a JSON array of objects keyed by {@code columns} (the database's spelling: the keys must match the
     * row type's attribute names exactly), or empty if a value has a type this class cannot write faithfully.
     */
    static Optional<String> json(List<String> columns, List<Object[]> rows) {
        StringWriter out = new StringWriter(64 * rows.size() + 16);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (Object[] row : rows) {
                g.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    g.writeFieldName(columns.get(i));
                    if (!write(g, row[i])) {
                        return Optional.empty();
                    }
                }
                g.writeEndObject();
                g.flush();
                if (out.getBuffer().length() > MAX_CHARS) {
                    return Optional.empty();
                }
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rows as JSON", e);
        }
        return Optional.of(out.toString());
    }

    /**
     * {@code rows} (values in the order of {@code columns}, columns of {@code rowType} named as the database spells
     * them) as a table source named {@code alias} whose columns are named as {@code columns}: typed arrays when every
     * column and value allow it, else a JSON recordset of {@code rowType}; empty if neither can carry them.
     */
    public static Optional<Table<Record>> source(Table<?> rowType, List<? extends Field<?>> columns, List<Object[]> rows, String alias) {
        Optional<Table<Record>> arrays = arrays(columns, rows, alias);
        if (arrays.isPresent()) {
            return arrays;
        }
        return json(columns.stream().map(Field::getName).toList(), rows).map(json -> of(rowType, json, alias));
    }

    /** {@code json_populate_recordset(NULL::<rowType>, <json>::json) AS <alias>}, the table name quoted by jOOQ. */
    static Table<Record> of(Table<?> rowType, String json, String alias) {
        return DSL.table("json_populate_recordset(NULL::{0}, {1}::json)", rowType, DSL.val(json)).as(DSL.name(alias));
    }

    /** The typed-arrays form, or empty if a column's type or a value has no place in it. */
    private static Optional<Table<Record>> arrays(List<? extends Field<?>> columns, List<Object[]> rows, String alias) {
        List<DataType<?>> types = new ArrayList<>(columns.size());
        for (Field<?> column : columns) {
            DataType<?> type = namedType(column.getDataType());
            if (type == null) {
                return Optional.empty();
            }
            types.add(type);
        }
        String[][] texts = new String[columns.size()][rows.size()];
        long chars = 0;
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            for (int c = 0; c < columns.size(); c++) {
                if (row[c] == null) {
                    continue;
                }
                String text = row[c] instanceof JSONB jb ? jb.data() : row[c] instanceof JSON j ? j.data() : text(row[c]);
                if (text == null) {
                    return Optional.empty();
                }
                texts[c][r] = text;
                chars += text.length();
                if (chars > MAX_CHARS) {
                    return Optional.empty();
                }
            }
        }
        StringBuilder unnest = new StringBuilder("unnest(");
        List<Field<?>> arrays = new ArrayList<>(columns.size());
        List<Name> names = new ArrayList<>(columns.size());
        List<Field<?>> select = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            unnest.append(c == 0 ? "" : ", ").append('{').append(c).append('}');
            arrays.add(DSL.val(texts[c], SQLDataType.VARCHAR.getArrayDataType()));
            String name = columns.get(c).getName();
            names.add(DSL.name(name));
            select.add(DSL.cast(DSL.field(DSL.name("cv_u", name)), types.get(c)).as(DSL.name(name)));
        }
        Table<Record> unnested = DSL.table(unnest.append(')').toString(), arrays.toArray(Object[]::new))
            .as(DSL.name("cv_u"), names.toArray(Name[]::new));
        return Optional.of(DSL.select(select).from(unnested).asTable(DSL.name(alias)));
    }

    /**
     * The type to cast a column's text to: its type without a length or precision (which the column applies as the row
     * is assigned), a string type as {@code varchar}; null for a type jOOQ may not name faithfully (an enum, a domain
     * or other type it reports as {@code OTHER}, an array, a user-defined type, an interval, a bit string).
     */
    private static DataType<?> namedType(DataType<?> type) {
        if (type.isOther() || type.isEnum() || type.isUDT() || type.isArray() || type.isInterval()) {
            return null;
        }
        DataType<?> base = type.getSQLDataType();
        if (base == null) {
            return null;
        }
        if (base.isString()) {
            return SQLDataType.VARCHAR;
        }
        boolean named = base.isNumeric() || base.isBoolean() || base.isDateTime() || base.isTemporal() || base.isBinary()
            || base.isJSON() || base.getType() == UUID.class;
        // a bit string is a boolean to jOOQ, and a cast to bit without its length would cut it to one bit
        return named && !base.getTypeName().toLowerCase(java.util.Locale.ROOT).startsWith("bit") ? base : null;
    }

    private static boolean write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d.toPlainString());
        } else if ((v instanceof Double || v instanceof Float) && Double.isFinite(((Number) v).doubleValue())) {
            g.writeNumber(text(v));
        } else if (v instanceof JSONB || v instanceof JSON) {
            // the recordset reads a JSON null in a json or jsonb column as SQL NULL: such a value goes the general way
            String json = (v instanceof JSONB jb ? jb.data() : ((JSON) v).data()).strip();
            if (json.equals("null")) {
                return false;
            }
            g.writeRawValue(json);
        } else {
            String text = text(v);
            if (text == null) {
                return false;
            }
            g.writeString(text);
        }
        return true;
    }

    /**
     * {@code v} (not null) in the text form PostgreSQL's input functions read — what a recordset's JSON carries for it,
     * and what an element of a text array that is cast to the column's type must hold — or {@code null} for a type this
     * class has no faithful form for (JSON values among them: they have their own text).
     */
    public static String text(Object v) {
        if (v instanceof String s) {
            return s;
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
            || v instanceof BigInteger) {
            return v.toString();
        } else if (v instanceof BigDecimal d) {
            return d.toPlainString();
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                return v instanceof Float f ? Float.toString(f) : Double.toString(d);
            }
            return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        } else if (v instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        } else if (v instanceof Temporal) {
            return PostgresDates.text(v.toString()); // read by PostgreSQL: years BC need the era
        } else if (v instanceof UUID || v instanceof Character || v instanceof java.util.Date) {
            return v.toString();
        }
        return null;
    }
}
