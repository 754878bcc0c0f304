package dev.converge.specs.parse;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every key the scenario format knows, per kind of map, in one place. The format grows by new optional keys: add the
 * key here and read it in the matching reader; a key missing here is rejected as a typo, with a suggestion.
 */
final class Keys {
    static final List<String> SCENARIO = List.of("name", "about", "dialects", "nodes", "topology", "defaults",
        "schema", "tables", "initial", "steps", "expect");
    static final List<String> NODE = List.of("id", "priority", "clock_skew");
    static final List<String> TOPOLOGY = List.of("reference");
    static final List<String> DEFAULTS = List.of("scope", "resolver", "conflict_resolvers");
    static final List<String> TABLE = List.of("filter", "columns", "scope", "resolver", "conflict_resolvers");
    /** A resolver's own keys; any other key of a resolver map is a parameter of it ({@code columns} of {@code delta}). */
    static final List<String> RESOLVER = List.of("name", "then");

    /** The key that says which kind a step map is; the other step is the bare word {@code sync}. */
    static final List<String> STEP_KINDS = List.of("sql", "tx", "deliver", "resolve");
    static final List<String> SQL_STEP = List.of("node", "at", "sql", "expect_error");
    static final List<String> TX_STEP = List.of("node", "at", "tx", "expect_error");
    static final List<String> DELIVER_STEP = List.of("deliver", "at");
    static final List<String> DELIVER = List.of("from", "to");
    static final List<String> RESOLVE_STEP = List.of("resolve", "at");
    static final List<String> RESOLVE = List.of("node", "conflict", "take", "seen", "expect_refused");
    static final List<String> CONFLICT_REF = List.of("table", "key");
    static final List<String> TAKE_ROW = List.of("row");

    static final List<String> EXPECT = List.of("converged", "tables", "nodes", "conflicts", "no_conflicts",
        "compensations");
    static final List<String> CONFLICT = List.of("node", "table", "key", "type", "outcome", "status", "scope",
        "resolver");
    static final List<String> COMPENSATION = List.of("from", "to");

    private Keys() {
    }

    /** The known key closest to a typo, if one is close enough to be what was meant. */
    static Optional<String> closest(String typo, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(typo.toLowerCase(Locale.ROOT), k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(1, typo.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so that {@code ulr} is one
     * typo away from {@code url}; the key lists are short, so the plain table is fine.
     */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
