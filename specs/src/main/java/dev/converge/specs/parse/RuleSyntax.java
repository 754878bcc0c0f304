package dev.converge.specs.parse;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.conflict.ConflictType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a table's replication rules are written — {@code filter}, {@code columns}, {@code scope}, {@code resolver},
 * {@code conflict_resolvers} — in a scenario file and in a node's configuration file alike: one syntax, one reader,
 * so a rule copied from one into the other means the same. Each read throws {@link Malformed} at its value's first
 * problem, naming the key path it was given.
 *
 * <p>Stateless and thread-safe.
 */
public final class RuleSyntax {
    /** The keys of one table's rules, in the order the documentation lists them. */
    public static final List<String> TABLE_KEYS = Keys.TABLE;
    /** The keys of the defaults for every table. */
    public static final List<String> DEFAULTS_KEYS = Keys.DEFAULTS;

    private RuleSyntax() {
    }

    /**
     * {@code timestamp}, {@code {name: timestamp, then: site-priority}} (nesting), or a resolver with parameters
     * ({@code {name: delta, columns: [qty]}}); every name must be documented or registered on the class path.
     */
    public static ResolverSpec resolver(YamlNode node, String path) {
        return ScenarioReader.configuredResolver(node, path);
    }

    /** {@code {update-missing-row: ignore, insert-exists: timestamp, ...}}: a rule per conflict type. */
    public static Map<ConflictType, ResolverSpec> resolversByType(YamlNode node, String path) {
        return ScenarioReader.resolversByType(node, path);
    }

    /** {@code row} or {@code transaction}. */
    public static ConflictScope scope(YamlNode node, String path) {
        return ScenarioReader.scope(node, path);
    }

    /** A non-empty list of column names. */
    public static List<String> columns(YamlNode node, String path) {
        return ScenarioReader.columns(node, path);
    }

    /** A non-blank text, e.g. a row filter. */
    public static String nonBlankText(YamlNode node, String path) {
        return Read.nonBlankText(node, path);
    }

    /** The known key closest to a typo, if one is close enough to be what was meant (scenario files use the same). */
    public static Optional<String> closestKey(String typo, List<String> known) {
        return Keys.closest(typo, known);
    }
}
