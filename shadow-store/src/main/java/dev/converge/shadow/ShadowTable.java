package dev.converge.shadow;

import static org.jooq.impl.DSL.field;
import org.jooq.impl.DSL;

import java.util.List;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The shadow table of one replicated table: {@code cv_shadow_<table>} (see {@link GeneratedName} for names that are
 * not plain or too long) with the table's key columns (same names, same types) and the version columns (see
 * {@link RowVersion}). {@code keyFields} carry the key columns' data types so that values bind correctly.
 */
public record ShadowTable(String baseTable, String name, List<Field<Object>> keyFields, SQLDialect dialect) {
    /** PostgreSQL's identifier limit; H2 allows more, but one rule for both keeps a configuration portable. */
    public static final int MAX_NAME = GeneratedName.MAX;
    public static final String PREFIX = "cv_shadow_";

    public ShadowTable {
        keyFields = List.copyOf(keyFields);
    }

    /** The shadow table for {@code baseTable} (the database's exact spelling); its name is never longer than {@value #MAX_NAME}. */
    public static ShadowTable of(String baseTable, List<Field<Object>> keyFields, SQLDialect dialect) {
        return named(baseTable, GeneratedName.of(PREFIX, baseTable, dialect), keyFields, dialect);
    }

    /** The shadow table of {@code baseTable} under a name given by the caller (one recorded when it was installed). */
    public static ShadowTable named(String baseTable, String shadow, List<Field<Object>> keyFields, SQLDialect dialect) {
        List<Field<Object>> unqualified = keyFields.stream().map(f -> field(DSL.name(f.getName()), f.getDataType())).toList();
        return new ShadowTable(baseTable, shadow, unqualified, dialect);
    }

    Table<Record> table() {
        return DSL.table(DSL.name(name));
    }

    /** The name of its primary-key constraint (an index of that name on PostgreSQL, so it must not collide either). */
    public String primaryKeyName() {
        return GeneratedName.fit(name + "_pk");
    }

    /** The name of its purge index by age (tombstones past the grace). */
    public String purgeIndexName() {
        return GeneratedName.fit(name + "_purge");
    }

    /** The name of its purge index by origin and sequence (tombstones every peer has seen). */
    public String seenIndexName() {
        return GeneratedName.fit(name + "_seen");
    }

    static final Field<Long> TS = field(DSL.name("cv_ts"), SQLDataType.BIGINT.notNull());
    static final Field<String> ORIGIN = field(DSL.name("cv_origin"), SQLDataType.VARCHAR(16).notNull());
    static final Field<Long> SEQ = field(DSL.name("cv_seq"), SQLDataType.BIGINT.nullable(true));
    static final Field<String> TX = field(DSL.name("cv_tx"), SQLDataType.VARCHAR(64).nullable(true));
    static final Field<Boolean> DELETED = field(DSL.name("cv_deleted"), SQLDataType.BOOLEAN.notNull());
    /** A version's detail beyond its latest write (see {@link VersionDetail}): JSON text, NULL for most rows. */
    static final Field<String> VERSION = field(DSL.name("cv_version"), SQLDataType.VARCHAR.nullable(true));

    /** The deleted image as JSON: jsonb on PostgreSQL (cheap to write from a trigger), text on H2. */
    Field<Object> image() {
        return field(DSL.name("cv_image"), imageType(dialect));
    }

    @SuppressWarnings("unchecked")
    public static DataType<Object> imageType(SQLDialect dialect) {
        DataType<?> type = dialect.family() == SQLDialect.POSTGRES ? SQLDataType.JSONB : SQLDataType.CLOB;
        return (DataType<Object>) type.nullable(true);
    }

    /** Column names of the version part, for SQL written elsewhere (the PostgreSQL capture trigger). */
    public static List<String> versionColumns() {
        return List.of("cv_ts", "cv_origin", "cv_seq", "cv_tx", "cv_deleted", "cv_image", "cv_version");
    }
}
