package dev.converge.scratch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL JDBC URL split around its database name, so the same server and credentials can be pointed at
 * another database.
 *
 * @param server everything before the database, e.g. {@code jdbc:postgresql://localhost:5432}
 * @param database the database the URL names; {@code postgres} when the URL names none
 * @param query the parameters including the leading {@code ?}, or the empty string
 */
record PostgresUrl(String server, String database, String query) {
    private static final Pattern SHAPE = Pattern.compile("(jdbc:postgresql://[^/?]*)(?:/([^?]*))?(\\?.*)?");

    /** Parses a URL; {@code null} when it is not a {@code jdbc:postgresql://} URL. */
    static PostgresUrl parseOrNull(String url) {
        Matcher m = SHAPE.matcher(url.trim());
        if (!m.matches()) {
            return null;
        }
        String database = m.group(2) == null || m.group(2).isEmpty() ? "postgres" : m.group(2);
        return new PostgresUrl(m.group(1), database, m.group(3) == null ? "" : m.group(3));
    }

    PostgresUrl withDatabase(String other) {
        return new PostgresUrl(server, other, query);
    }

    /** The URL with any password replaced, fit for an error message or a log line. */
    String redacted() {
        return server + "/" + database + query.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return server + "/" + database + query;
    }
}
