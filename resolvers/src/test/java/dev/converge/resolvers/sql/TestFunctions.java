package dev.converge.resolvers.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;

/**
 * The function {@code cv_test} these tests decide with, on each database: it logs each call in table {@code log} (a
 * write that must be undone) and answers what table {@code behaviour} says (so it reads the apply transaction's data):
 * a decision word, or {@code raise}, {@code garbage}, {@code null}, {@code merge} (the incoming row named
 * {@code merged}), {@code no-key}, {@code unknown-column}. On H2 it is a Java function alias of {@link #cvTest}.
 */
public final class TestFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestFunctions() {
    }

    static final String TABLES = "CREATE TABLE behaviour (id INT PRIMARY KEY, what VARCHAR(20));\n"
        + "INSERT INTO behaviour VALUES (1, 'keep-local');\n"
        + "CREATE TABLE log (msg VARCHAR(100));\n"
        + "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), stock INT)";

    /** Takes and returns text (the guide's example takes jsonb, the kit's json): each is bound as declared. */
    static final String POSTGRES = """
        CREATE FUNCTION cv_test(t text) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
          c jsonb := t::jsonb;
          w text := (SELECT what FROM behaviour WHERE id = 1);
        BEGIN
          INSERT INTO log VALUES ('called for ' || (c->>'type'));
          CASE w
            WHEN 'raise' THEN RAISE EXCEPTION 'no stock rule for %', c->'key';
            WHEN 'garbage' THEN RETURN 'yes please';
            WHEN 'null' THEN RETURN NULL;
            WHEN 'merge' THEN RETURN jsonb_build_object('decision', 'merge', 'row', (c->'remote') || jsonb_build_object('name', 'merged'))::text;
            WHEN 'no-key' THEN RETURN jsonb_build_object('decision', 'merge', 'row', (c->'remote') - 'id')::text;
            WHEN 'unknown-column' THEN RETURN jsonb_build_object('decision', 'merge', 'row', (c->'remote') || jsonb_build_object('colour', 'red'))::text;
            ELSE RETURN jsonb_build_object('decision', w)::text;
          END CASE;
        END $$""";

    static final String H2 = "CREATE ALIAS cv_test FOR 'dev.converge.resolvers.sql.TestFunctions.cvTest'";

    static String function(Dialect dialect) {
        return dialect == Dialect.POSTGRESQL ? POSTGRES : H2;
    }

    /** {@code cv_test} on H2: the connection is the caller's, so it sees (and writes in) the apply transaction. */
    public static String cvTest(Connection connection, String conflict) throws SQLException, java.io.IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(conflict);
        try (PreparedStatement log = connection.prepareStatement("INSERT INTO log VALUES (?)")) {
            log.setString(1, "called for " + c.get("type").asText());
            log.executeUpdate();
        }
        String what;
        try (PreparedStatement q = connection.prepareStatement("SELECT what FROM behaviour WHERE id = 1"); ResultSet r = q.executeQuery()) {
            r.next();
            what = r.getString(1);
        }
        ObjectNode remote = (ObjectNode) c.get("remote");
        return switch (what) {
            case "raise" -> throw new SQLException("no stock rule for " + c.get("key"));
            case "garbage" -> "yes please";
            case "null" -> null;
            case "merge" -> merge(set(remote, "name", "merged"));
            case "no-key" -> merge(remove(remote, "id"));
            case "unknown-column" -> merge(remote.deepCopy().put("colour", "red"));
            default -> JSON.createObjectNode().put("decision", what).toString();
        };
    }

    /** {@code kit_by_timestamp} on H2: decides as the timestamp rule does, so it converges (BuiltInConvergenceProperties). */
    public static String byTimestamp(String conflict) throws java.io.IOException {
        return JSON.readTree(conflict).get("by_timestamp").asText();
    }

    private static String merge(ObjectNode row) {
        ObjectNode answer = JSON.createObjectNode().put("decision", "merge");
        answer.set("row", row);
        return answer.toString();
    }

    /** The row with a column (named ignoring case: H2 spells it NAME) set. */
    private static ObjectNode set(ObjectNode row, String column, String value) {
        ObjectNode out = row.deepCopy();
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equalsIgnoreCase(column)) {
                out.put(name, value);
            }
        }
        return out;
    }

    private static ObjectNode remove(ObjectNode row, String column) {
        ObjectNode out = row.deepCopy();
        row.fieldNames().forEachRemaining(name -> {
            if (name.equalsIgnoreCase(column)) {
                out.remove(name);
            }
        });
        return out;
    }
}
