package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;

/** Which keys PostgreSQL looks up through one bound array, and which keep the {@code IN} list. */
class KeyConditionsTest {
    @SuppressWarnings("unchecked")
    private static String rendered(SQLDialect dialect, org.jooq.DataType<?> type, List<List<Object>> keys) {
        Field<Object> k = (Field<Object>) (Field<?>) DSL.field(DSL.name("k"), type);
        return DSL.using(dialect).render(DSL.selectOne().where(KeyConditions.in(dialect, List.of(k), keys)));
    }

    @Test
    void integersStringsAndUuidsGoAsOneArrayOnPostgresql() {
        List<List<Object>> two = List.of(List.of(1), List.of(2));
        assertTrue(rendered(SQLDialect.POSTGRES, SQLDataType.INTEGER, two).contains("= any("), "int");
        assertTrue(rendered(SQLDialect.POSTGRES, SQLDataType.BIGINT, two).contains("= any("), "bigint");
        assertTrue(rendered(SQLDialect.POSTGRES, SQLDataType.VARCHAR(20), List.of(List.of("a"), List.of("b"))).contains("= any("), "varchar");
        String uuid = rendered(SQLDialect.POSTGRES, SQLDataType.UUID, List.of(List.of(new java.util.UUID(1, 1)), List.of(new java.util.UUID(2, 2))));
        assertTrue(uuid.contains("= any("), uuid);
    }

    @Test
    void otherKeysAndH2KeepTheInList() {
        List<List<Object>> two = List.of(List.of("a"), List.of("b"));
        assertTrue(rendered(SQLDialect.POSTGRES, SQLDataType.CHAR(5), two).contains(" in ("), "char(n) compares ignoring trailing blanks");
        assertTrue(rendered(SQLDialect.POSTGRES, SQLDataType.NUMERIC(10, 2), List.of(List.of(1), List.of(2))).contains(" in ("), "numeric");
        assertTrue(rendered(SQLDialect.H2, SQLDataType.INTEGER, List.of(List.of(1), List.of(2))).contains(" in ("), "H2");
        assertTrue(rendered(SQLDialect.POSTGRES, SQLDataType.INTEGER, List.of(List.of(1))).contains(" in ("), "a single key");
    }
}
