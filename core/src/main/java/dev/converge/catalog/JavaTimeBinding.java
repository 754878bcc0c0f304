package dev.converge.catalog;

import java.sql.SQLException;
import java.sql.Types;
import java.time.temporal.Temporal;
import org.jooq.Binding;
import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingGetSQLInputContext;
import org.jooq.BindingGetStatementContext;
import org.jooq.BindingRegisterContext;
import org.jooq.BindingSQLContext;
import org.jooq.BindingSetSQLOutputContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;
import org.jooq.impl.DSL;

/**
 * Binds and reads a date or time column as its java.time value through JDBC 4.2 ({@code setObject},
 * {@code getObject(i, LocalDate.class)}), which both pgjdbc and H2 implement in the proleptic Gregorian calendar.
 * jOOQ's default binding goes through {@code java.sql.Date} and {@code Timestamp}, whose hybrid Julian/Gregorian
 * calendar turns 1582-10-05 .. 1582-10-14 into other days: a key of such a date would miss its row. Immutable;
 * thread-safe.
 */
final class JavaTimeBinding<T extends Temporal> implements Binding<T, T> {
    private final Class<T> type;
    private final int sqlType;

    JavaTimeBinding(Class<T> type, int sqlType) {
        this.type = type;
        this.sqlType = sqlType;
    }

    @Override
    public Converter<T, T> converter() {
        return Converter.ofNullable(type, type, t -> t, t -> t);
    }

    @Override
    public void sql(BindingSQLContext<T> ctx) {
        if (ctx.render().paramType() == org.jooq.conf.ParamType.INLINED) {
            ctx.render().visit(DSL.inline(ctx.value() == null ? null : ctx.value().toString()));
        } else {
            // typed, as jOOQ types its own binds: H2 cannot infer a bare ? in a SELECT without FROM (its MERGE emulation)
            ctx.render().sql("cast(").sql(ctx.variable()).sql(" as ").sql(sqlTypeName(ctx.dialect())).sql(")");
        }
    }

    /** The SQL type to cast a bind to, at full precision: H2's TIME and TIMESTAMP casts would otherwise cut fractions. */
    private String sqlTypeName(org.jooq.SQLDialect dialect) {
        boolean h2 = dialect.family() == org.jooq.SQLDialect.H2;
        return switch (sqlType) {
            case Types.DATE -> "date";
            case Types.TIME -> h2 ? "time(9)" : "time";
            default -> h2 ? "timestamp(9)" : "timestamp";
        };
    }

    @Override
    public void register(BindingRegisterContext<T> ctx) throws SQLException {
        ctx.statement().registerOutParameter(ctx.index(), sqlType);
    }

    @Override
    public void set(BindingSetStatementContext<T> ctx) throws SQLException {
        if (ctx.value() == null) {
            ctx.statement().setNull(ctx.index(), sqlType);
        } else {
            ctx.statement().setObject(ctx.index(), ctx.value());
        }
    }

    @Override
    public void set(BindingSetSQLOutputContext<T> ctx) throws SQLException {
        throw new SQLException("user-defined types are not replicated");
    }

    @Override
    public void get(BindingGetResultSetContext<T> ctx) throws SQLException {
        ctx.value(ctx.resultSet().getObject(ctx.index(), type));
    }

    @Override
    public void get(BindingGetStatementContext<T> ctx) throws SQLException {
        ctx.value(ctx.statement().getObject(ctx.index(), type));
    }

    @Override
    public void get(BindingGetSQLInputContext<T> ctx) throws SQLException {
        throw new SQLException("user-defined types are not replicated");
    }

    static final JavaTimeBinding<java.time.LocalDate> DATE = new JavaTimeBinding<>(java.time.LocalDate.class, Types.DATE);
    static final JavaTimeBinding<java.time.LocalDateTime> TIMESTAMP = new JavaTimeBinding<>(java.time.LocalDateTime.class, Types.TIMESTAMP);
    static final JavaTimeBinding<java.time.LocalTime> TIME = new JavaTimeBinding<>(java.time.LocalTime.class, Types.TIME);
}
