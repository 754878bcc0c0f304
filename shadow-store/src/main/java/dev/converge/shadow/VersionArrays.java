package dev.converge.shadow;

import static org.jooq.impl.DSL.name;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * PostgreSQL: many versions written by one {@code INSERT ... SELECT ... FROM unnest(...) ON CONFLICT}, each column
 * bound as one typed array. The version columns have fixed types ({@code bigint[]}, {@code varchar[]},
 * {@code boolean[]}); a key column travels as {@code varchar[]} in the text form of {@link Recordset#text} and is cast
 * to its type in the statement, so it goes through the same input function as in a recordset.
 *
 * <p><b>Why not a {@link Recordset}:</b> {@code json_populate_recordset} looks every attribute of every row up by name;
 * for the version columns that cost about as much as writing the versions (about 2 µs a row of the 4–8 µs a version
 * upsert takes on 2 cores, measured in psql over 250,000 versions), where parsing arrays costs a tenth of it. Versions are
 * written twice per replicated row change, by sequencing at the origin and by the apply at each target.
 *
 * <p>A key of a type this class does not write as text (an enum, a domain of one, an array, a JSON value, a type
 * jOOQ reports as {@code OTHER}), or versions whose images add up to more than {@link Recordset#MAX_CHARS}, make
 * {@link #write} decline (return {@code false}); the caller then writes them its general way. Stateless and
 * thread-safe; works inside the caller's transaction.
 */
final class VersionArrays {
    private VersionArrays() {
    }

    /**
     * Writes {@code versions} (upserting by key) into {@code shadow} as one statement, or returns {@code false} and
     * writes nothing.
     */
    static boolean write(DSLContext ctx, ShadowTable shadow, List<Field<?>> columns, List<Field<Object>> conflictKeys,
                         Map<Field<?>, Field<?>> updates, List<RowVersion> versions) {
        List<Field<Object>> keyFields = shadow.keyFields();
        for (Field<Object> key : keyFields) {
            if (!writable(key.getDataType())) {
                return false;
            }
        }
        int n = versions.size();
        String[][] keys = new String[keyFields.size()][n];
        Long[] ts = new Long[n];
        String[] origin = new String[n];
        Long[] seq = new Long[n];
        String[] tx = new String[n];
        Boolean[] deleted = new Boolean[n];
        String[] image = new String[n];
        String[] detail = new String[n];
        long chars = 0;
        for (int i = 0; i < n; i++) {
            RowVersion v = versions.get(i);
            for (int k = 0; k < keyFields.size(); k++) {
                Object value = keyFields.get(k).getDataType().convert(v.key().get(k));
                String text = value == null ? null : Recordset.text(value);
                if (text == null) {
                    return false;
                }
                keys[k][i] = text;
            }
            ts[i] = v.timestamp();
            origin[i] = v.origin();
            seq[i] = v.originSequence().orElse(null);
            tx[i] = v.localTransaction().orElse(null);
            deleted[i] = v.deleted();
            image[i] = v.deletedImage().orElse(null);
            detail[i] = VersionDetail.json(v).orElse(null);
            chars += (image[i] == null ? 0 : image[i].length()) + (detail[i] == null ? 0 : detail[i].length());
            if (chars > Recordset.MAX_CHARS) {
                return false;
            }
        }
        List<Field<?>> arrays = new ArrayList<>();
        for (String[] column : keys) {
            arrays.add(DSL.val(column, SQLDataType.VARCHAR.getArrayDataType()));
        }
        arrays.add(DSL.val(ts, SQLDataType.BIGINT.getArrayDataType()));
        arrays.add(DSL.val(origin, SQLDataType.VARCHAR.getArrayDataType()));
        arrays.add(DSL.val(seq, SQLDataType.BIGINT.getArrayDataType()));
        arrays.add(DSL.val(tx, SQLDataType.VARCHAR.getArrayDataType()));
        arrays.add(DSL.val(deleted, SQLDataType.BOOLEAN.getArrayDataType()));
        arrays.add(DSL.val(image, SQLDataType.VARCHAR.getArrayDataType()));
        arrays.add(DSL.val(detail, SQLDataType.VARCHAR.getArrayDataType()));

        StringBuilder unnest = new StringBuilder("unnest(");
        for (int i = 0; i < arrays.size(); i++) {
            unnest.append(i == 0 ? "" : ", ").append('{').append(i).append('}');
        }
        Name[] aliases = columns.stream().map(f -> name(f.getName())).toArray(Name[]::new);
        Table<Record> source = DSL.table(unnest.append(')').toString(), arrays.toArray(Object[]::new)).as(name("cv_v"), aliases);

        List<Field<?>> select = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            Field<?> column = columns.get(c);
            Field<Object> from = DSL.field(name("cv_v", column.getName()));
            // keys and the image arrive as text: each is cast to its column's type (its input function reads it)
            boolean text = c < keyFields.size() || column.getName().equals("cv_image");
            select.add(text ? DSL.cast(from, column.getDataType()) : from);
        }
        ctx.insertInto(shadow.table(), columns).select(DSL.select(select).from(source))
            .onConflict(conflictKeys).doUpdate().set(updates).execute();
        return true;
    }

    /** Whether a key column of this type can travel as text cast back to the type by name. */
    private static boolean writable(DataType<?> type) {
        return !(type.isOther() || type.isEnum() || type.isUDT() || type.isArray() || type.isJSON() || type.getSQLDataType() == null);
    }
}
