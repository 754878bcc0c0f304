package dev.converge.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DataType;

/**
 * Array values from their canonical form (the JSON text of their elements) to what each database reads back:
 * PostgreSQL's array literal ({@code {1,NULL,"a b"}}), cast to the column's type by the caller; an H2 Java array of
 * the column's element type. Stateless; thread-safe.
 */
final class ArrayValues {
    private ArrayValues() {
    }

    /** PostgreSQL's text form: every element quoted (so no element needs rules of its own), NULL unquoted, sub-arrays nested. */
    static String postgresLiteral(JsonNode array) {
        requireArray(array);
        StringBuilder out = new StringBuilder("{");
        for (JsonNode e : array) {
            if (out.length() > 1) {
                out.append(',');
            }
            if (e.isNull()) {
                out.append("NULL");
            } else if (e.isArray()) {
                out.append(postgresLiteral(e));
            } else {
                String text = e.isTextual() ? e.textValue() : e.isNumber() ? e.decimalValue().toPlainString() : e.toString();
                out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return out.append('}').toString();
    }

    /** An H2 array of the column's element type (nested for arrays of arrays). */
    static Object h2Array(DataType<?> type, JsonNode array) {
        return h2Array(type.getType(), array);
    }

    private static Object h2Array(Class<?> arrayType, JsonNode array) {
        requireArray(array);
        Class<?> element = arrayType.isArray() ? arrayType.getComponentType() : Object.class;
        List<Object> out = new ArrayList<>();
        for (JsonNode e : array) {
            if (e.isNull()) {
                out.add(null);
            } else if (e.isArray()) {
                out.add(h2Array(element, e));
            } else {
                Object v = e.isTextual() ? e.textValue() : e.isBoolean() ? e.booleanValue() : e.isIntegralNumber() ? e.bigIntegerValue()
                    : e.isNumber() ? e.decimalValue() : e.toString();
                out.add(org.jooq.tools.Convert.convert(v, element));
            }
        }
        Object typed = java.lang.reflect.Array.newInstance(element, out.size());
        for (int i = 0; i < out.size(); i++) {
            java.lang.reflect.Array.set(typed, i, out.get(i));
        }
        return typed;
    }

    private static void requireArray(JsonNode node) {
        if (!node.isArray()) {
            throw new IllegalArgumentException("an array value must be a JSON array, not " + node);
        }
    }
}
