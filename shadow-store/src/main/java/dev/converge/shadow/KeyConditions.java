package dev.converge.shadow;

import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.val;

import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.RowN;

/** {@code key IN (...)} conditions for single and composite keys, values bound with the key columns' types. Pure; thread-safe. */
public final class KeyConditions {
    private KeyConditions() {
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
