package dev.converge.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import org.jooq.SQLDialect;

/** The databases Converge runs on, by the words a scenario or a configuration uses. */
public enum Dialect {
    H2("h2", SQLDialect.H2),
    POSTGRESQL("postgresql", SQLDialect.POSTGRES);

    private final String word;
    private final SQLDialect jooq;

    Dialect(String word, SQLDialect jooq) {
        this.word = word;
        this.jooq = jooq;
    }

    public String word() {
        return word;
    }

    public SQLDialect jooq() {
        return jooq;
    }

    public static Dialect parse(String word) {
        for (Dialect d : values()) {
            if (d.word.equalsIgnoreCase(word)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dialect '" + word + "' (expected h2 or postgresql)");
    }

    /** The dialect of a live connection, from its product name. */
    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            return H2;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        throw new SQLException("unsupported database '" + product + "': Converge runs on H2 and PostgreSQL");
    }
}
