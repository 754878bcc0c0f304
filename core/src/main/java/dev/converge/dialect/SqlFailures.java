package dev.converge.dialect;

import java.sql.SQLException;

/** What kind of database failure an exception is, by SQLSTATE. Stateless. */
public final class SqlFailures {
    private SqlFailures() {
    }

    /**
     * Whether a later attempt of the same work may not meet the failure: SQLSTATE class {@code 40} (serialization
     * failure, deadlock), class {@code 08} (the connection was lost), or H2's lock timeout {@code HYT00}.
     */
    public static boolean isTransient(Throwable e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("40") || state.startsWith("08") || state.equals("HYT00"));
    }

    /** The SQLSTATE of the first {@link SQLException} among the causes, or null. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }
}
