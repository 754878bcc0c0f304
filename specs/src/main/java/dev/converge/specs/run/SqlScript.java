package dev.converge.specs.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a schema script into statements at each {@code ;} that is outside a quoted literal or identifier, a
 * {@code --} comment and a dollar-quoted body ({@code $$ ... $$}, as PostgreSQL and H2 functions use), so that a
 * {@code ';'} in a CHECK constraint's text or a default value does not cut a statement in two.
 */
final class SqlScript {
    private SqlScript() {
    }

    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == ';') {
                add(statements, current);
                current.setLength(0);
                i++;
            } else {
                int end = endOfToken(script, i);
                current.append(script, i, end);
                i = end;
            }
        }
        add(statements, current);
        return statements;
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

    private static void add(List<String> statements, StringBuilder text) {
        String statement = text.toString().strip();
        if (!withoutComments(statement).isBlank()) {
            statements.add(statement);
        }
    }

    private static String withoutComments(String statement) {
        return statement.replaceAll("--[^\\n]*", "");
    }
}
