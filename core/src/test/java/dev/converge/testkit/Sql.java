package dev.converge.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Plain JDBC for test set-up and assertions: run statements, read rows as maps. Each call uses its own connection
 * in auto-commit mode, so nothing is left open between calls. Failures surface as {@link AssertionError}s that
 * quote the statement.
 *
 * <p>Row maps keep the column order and use lower-case keys, because H2 reports unquoted names in upper case and
 * PostgreSQL in lower case: one expected map then fits both dialects.
 */
public final class Sql {
    private final DataSource dataSource;

    private Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static Sql on(DataSource dataSource) {
        return new Sql(dataSource);
    }

    /** Runs each statement in turn (DDL or DML, no parameters). */
    public Sql execute(String... statements) {
        for (String sql : statements) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw failed(sql, e);
            }
        }
        return this;
    }

    /** Runs the statements in one transaction: all commit, or (on the first failure) none does and the failure is thrown. */
    public Sql transaction(String... statements) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            String current = null;
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    current = sql;
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw failed(current, e);
            }
        } catch (SQLException e) {
            throw failed(String.join("; ", statements), e);
        }
        return this;
    }

    /** Runs one statement with {@code ?} parameters; returns the update count. */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /** The rows of a query with {@code ?} parameters, in the order the database returns them. */
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rows(rs);
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /** The first column of the only row of a query, e.g. a {@code count(*)}. */
    public Object scalar(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from `" + sql + "` but got " + rows.size() + ": " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private static AssertionError failed(String sql, SQLException e) {
        return new AssertionError("SQL failed: `" + sql + "`: " + e.getMessage(), e);
    }
}
