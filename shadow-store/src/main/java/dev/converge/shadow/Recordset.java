package dev.converge.shadow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Many rows as one PostgreSQL statement: the rows travel as a single json parameter and
 * {@code json_populate_recordset(NULL::<table>, ?)} turns them back into rows of the table's own row type, so each
 * value goes through its column's input function, exactly as if it had been bound on its own. The parameter is
 * {@code json}, not {@code jsonb}: jsonb would normalise a {@code json} column's text (spaces, key order) on the way.
 *
 * <p><b>Why:</b> a JDBC batch of single-row statements costs the server one statement execution per row (tens of
 * microseconds each); an {@code INSERT ... SELECT}, {@code UPDATE ... FROM} or {@code DELETE ... USING} over the
 * recordset costs one. It is what lets a 1,000-row ChangeSet apply in about the time the origin took to write it.
 *
 * <p>Values are written in the text form PostgreSQL's input functions read: numbers as JSON numbers (decimals in plain
 * notation), binary as {@code \x} and hex digits, dates and times in ISO-8601, JSON values as they are (but for a JSON
 * {@code null}, which would arrive as SQL NULL). A value of any other Java type has no such form here, and a set too
 * large for one statement has no place in one: {@link #json} says so with an empty result, and the caller then writes
 * the rows its slower, general way. Stateless and thread-safe.
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
    public static Optional<String> json(List<String> columns, List<Object[]> rows) {
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

    /** {@code json_populate_recordset(NULL::<rowType>, <json>::json) AS <alias>}, the table name quoted by jOOQ. */
    public static Table<Record> of(Table<?> rowType, String json, String alias) {
        return DSL.table("json_populate_recordset(NULL::{0}, {1}::json)", rowType, DSL.val(json)).as(DSL.name(alias));
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
