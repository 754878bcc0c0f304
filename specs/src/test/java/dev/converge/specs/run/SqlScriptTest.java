package dev.converge.specs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsAtSemicolonsAndDropsEmptyStatements() {
        assertEquals(List.of("CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"),
            SqlScript.split("CREATE TABLE a (x INT);\n\n  CREATE TABLE b (y INT);\n;\n"));
    }

    @Test
    void eachStatementKnowsTheLineItsTextStartsOn() {
        // a leading comment is not where the statement is; a ';' in a literal does not end one
        assertEquals(List.of(1, 4), SqlScript.statements(
                "-- two tables\nCREATE TABLE a (x INT);\n\n  -- b\n  CREATE TABLE b (y VARCHAR(3) DEFAULT ';');\n")
            .stream().map(SqlScript.Statement::line).toList());
    }

    @Test
    void theLastStatementNeedsNoSemicolon() {
        assertEquals(List.of("CREATE TABLE a (x INT)"), SqlScript.split("CREATE TABLE a (x INT)"));
    }

    @Test
    void semicolonsInQuotesCommentsAndDollarBodiesDoNotSplit() {
        String script = """
            CREATE TABLE a (x VARCHAR(9) DEFAULT 'a;b', "odd;name" INT CHECK (x <> 'it''s;'));
            -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS INT AS $$ SELECT 1; $$ LANGUAGE sql;
            CREATE FUNCTION g() RETURNS INT AS $body$ SELECT 2; $body$ LANGUAGE sql;
            """;
        assertEquals(List.of(
            "CREATE TABLE a (x VARCHAR(9) DEFAULT 'a;b', \"odd;name\" INT CHECK (x <> 'it''s;'))",
            "-- a comment; with a semicolon\nCREATE FUNCTION f() RETURNS INT AS $$ SELECT 1; $$ LANGUAGE sql",
            "CREATE FUNCTION g() RETURNS INT AS $body$ SELECT 2; $body$ LANGUAGE sql"), SqlScript.split(script));
    }

    @Test
    void aScriptOfOnlyCommentsHasNoStatements() {
        assertEquals(List.of(), SqlScript.split("-- nothing here;\n  \n"));
    }
}
