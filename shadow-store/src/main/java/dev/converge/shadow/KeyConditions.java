package dev.converge.shadow;

import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.val;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.RowN;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** {@code key IN (...)} conditions for single and composite keys, values bound with the key columns' types. Pure; thread-safe. */
public final class KeyConditions {
    /** The Java types of a single-column key that PostgreSQL compares with one bound array exactly as with each value. */
    private static final Set<Class<?>> ARRAY_KEYS = Set.of(Short.class, Integer.class, Long.class, String.class, UUID.class);

    private KeyConditions() {
    }

    /**
     * {@link #in(List, List)} as {@code dialect} reads it best. On PostgreSQL a single-column key of an integer type,
     * {@code varchar}, {@code text} or {@code uuid} is compared with one bound array, {@code key = ANY(?)}: the same
     * index scan as an {@code IN} list, without rendering, binding and parsing a parameter per key (500 keys a look for
     * an apply). Other keys, and H2, get the {@code IN} list.
     */
    public static Condition in(SQLDialect dialect, List<Field<Object>> keyFields, List<List<Object>> keys) {
        if (dialect.family() == SQLDialect.POSTGRES && keyFields.size() == 1 && keys.size() > 1) {
            Field<Object> f = keyFields.get(0);
            DataType<Object> type = f.getDataType();
            Class<?> javaType = type.getType();
            String name = type.getTypeName().toLowerCase(java.util.Locale.ROOT);
            // a string key only of a type compared as written (char(n) ignores trailing blanks against text)
            boolean compared = !String.class.equals(javaType) || name.equals("varchar") || name.equals("text") || name.equals("character varying");
            if (ARRAY_KEYS.contains(javaType) && compared && !type.isArray()) {
                Object[] values = (Object[]) Array.newInstance(javaType, keys.size());
                for (int i = 0; i < values.length; i++) {
                    values[i] = type.convert(keys.get(i).get(0));
                }
                return DSL.condition("{0} = any({1})", f, val(values, type.getArrayDataType()));
            }
        }
        return in(keyFields, keys);
    }

    /** The condition that a row's key is one of {@code keys} (each a list of values in key-column order). */
    public static Condition in(List<Field<Object>> keyFields, List<List<Object>> keys) {
        if (keyFields.size() == 1) {
            Field<Object> f = keyFields.get(0);
            return f.in(keys.stream().map(k -> val(f.getDataType().convert(k.get(0)), f.getDataType())).toList());
        }
        List<RowN> rows = new ArrayList<>();
        for (List<Object> k : keys) {
            List<Field<?>> vals = new ArrayList<>();
            for (int i = 0; i < keyFields.size(); i++) {
                vals.add(val(keyFields.get(i).getDataType().convert(k.get(i)), keyFields.get(i).getDataType()));
            }
            rows.add(row(vals));
        }
        return row(keyFields).in(rows);
    }
}
