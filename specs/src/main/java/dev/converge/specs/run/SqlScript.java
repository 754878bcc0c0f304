package dev.converge.specs.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a schema script into statements at each {@code ;} that is outside a quoted literal or identifier, a
 * {@code --} comment and a dollar-quoted body ({@code $$ ... $$}, as PostgreSQL and H2 functions use), so that a
 * {@code ';'} in a CHECK constraint's text or a default value does not cut a statement in two.
 */
final class SqlScript {
    /** One statement, and the line of the script (0 for the first) its text starts on, for error messages. */
    record Statement(String text, int line) {
    }

    private SqlScript() {
    }

    static List<String> split(String script) {
        return statements(script).stream().map(Statement::text).toList();
    }

    static List<Statement> statements(String script) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int start = 0;
        int i = 0;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == ';') {
                add(statements, current, lineOf(script, start));
                current.setLength(0);
                i++;
                start = i;
            } else {
                int end = endOfToken(script, i);
                current.append(script, i, end);
                i = end;
            }
        }
        add(statements, current, lineOf(script, start));
        return statements;
    }

    /** The line of the first character from {@code from} that is neither white space nor in a comment. */
    private static int lineOf(String script, int from) {
        int at = from;
        while (at < script.length()) {
            if (Character.isWhitespace(script.charAt(at))) {
                at++;
            } else if (script.startsWith("--", at)) {
                at = closing(script, at + 2, "\n");
            } else {
                break;
            }
        }
        return (int) script.substring(0, Math.min(at, script.length())).chars().filter(ch -> ch == '\n').count();
    }

    /** Where the token starting at {@code i} ends: a whole quoted text, comment or dollar body, else one character. */
    private static int endOfToken(String s, int i) {
        char c = s.charAt(i);
        if (c == '\'' || c == '"') {
            return closing(s, i + 1, String.valueOf(c));
        }
        if (s.startsWith("--", i)) {
            return closing(s, i + 2, "\n");
        }
        if (c == '$') {
            int tagEnd = s.indexOf('$', i + 1);
            if (tagEnd > 0 && s.substring(i + 1, tagEnd).matches("[A-Za-z_]*")) {
                String tag = s.substring(i, tagEnd + 1);
                return closing(s, tagEnd + 1, tag);
            }
        }
        return i + 1;
    }

    /** The index after {@code end}'s next occurrence from {@code from}, or the end of the text. A doubled quote simply closes and reopens. */
    private static int closing(String s, int from, String end) {
        int at = s.indexOf(end, from);
        return at < 0 ? s.length() : at + end.length();
    }

    private static void add(List<Statement> statements, StringBuilder text, int line) {
        String statement = text.toString().strip();
        if (!withoutComments(statement).isBlank()) {
            statements.add(new Statement(statement, line));
        }
    }

    private static String withoutComments(String statement) {
        return statement.replaceAll("--[^\\n]*", "");
    }
}
