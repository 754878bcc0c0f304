package dev.converge.resolvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConfigError;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.ResolverRegistry;
import dev.converge.conflict.Resolution;
import io.vavr.control.Either;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-ins are found by name through ServiceLoader, configured with their parameters, and chosen per conflict type. */
class BuiltInRegistrationTest {
    private static final List<String> FORMAT_NAMES = List.of("timestamp", "earliest", "site-priority", "keep-local",
        "apply-remote", "delete-wins", "column-merge", "delta", "manual", "ignore", "sql-function");

    @Test
    void everyNameTheScenarioFormatDocumentsIsRegistered() {
        assertTrue(new ResolverRegistry().names().containsAll(FORMAT_NAMES), () -> "registered: " + new ResolverRegistry().names());
    }

    @Test
    void eachNameFindsItsOwnClass() {
        ResolverRegistry registry = new ResolverRegistry();
        for (String name : FORMAT_NAMES) {
            ResolverSpec spec = name.equals("delta") ? ResolverSpec.of(name).withParameter("columns", List.of("qty"))
                : name.equals("sql-function") ? ResolverSpec.of(name).withParameter("function", List.of("resolve_stock")) : ResolverSpec.of(name);
            Either<ConfigError, ConflictResolver> r = registry.lookup(spec, "t");
            assertTrue(r.isRight(), () -> name + ": " + r.getLeft());
            assertEquals(name, r.get().name());
        }
    }

    @Test
    void anUnknownNameListsTheBuiltIns() {
        ConfigError e = new ResolverRegistry().lookup(ResolverSpec.of("newest-wins"), "table pers resolver").getLeft();
        assertTrue(e.problem().contains("unknown resolver 'newest-wins'"), e.problem());
        assertTrue(e.problem().contains("column-merge") && e.problem().contains("site-priority"), e.problem());
    }

    @Test
    void deltaWithoutColumnsIsAConfigurationError() {
        ConfigError e = new ResolverRegistry().lookup(ResolverSpec.of("delta"), "table stock resolver").getLeft();
        assertEquals("table stock resolver", e.where());
        assertTrue(e.problem().contains("columns"), e.problem());
    }

    @Test
    void aResolverWithoutParametersRefusesSome() {
        ConfigError e = new ResolverRegistry().lookup(ResolverSpec.of("earliest").withParameter("columns", List.of("x")), "t").getLeft();
        assertTrue(e.problem().contains("takes no parameters"), e.problem());
    }

    @Test
    void aSecondaryRuleDecidesExactTies() {
        ConflictResolver r = new ResolverRegistry().lookup(ResolverSpec.of("timestamp").thenOnTies(ResolverSpec.of("keep-local")), "t").get();
        Conflicts tie = Conflicts.update(Conflicts.row("id", 1, "a", 1), Conflicts.row("id", 1, "a", 2), 1000);
        assertEquals(Resolution.KEEP_LOCAL, r.resolve(tie.build()), "B would win the tie by id; keep-local decides it");
        assertEquals(Resolution.APPLY_REMOTE, r.resolve(tie.localAt(500).build()), "not a tie: timestamp decides");
    }

    /** A merge settles ties column by column; a tie rule after one would swap it for a pick (delta: an increment lost). */
    @Test
    void aMergingResolverRefusesATieRule() {
        ResolverSpec delta = ResolverSpec.of("delta").withParameter("columns", List.of("qty"));
        for (ResolverSpec merging : List.of(delta, ResolverSpec.of("column-merge"),
            ResolverSpec.of("sql-function").withParameter("function", List.of("f")).withParameter("merges", List.of("true")))) {
            ConfigError e = new ResolverRegistry().lookup(merging.thenOnTies(ResolverSpec.of("site-priority")), "table stock resolver").getLeft();
            assertTrue(e.problem().contains("merges concurrent writes and settles exact ties itself")
                && e.problem().contains("remove 'then: site-priority'"), e.problem());
        }
        assertTrue(new ResolverRegistry().lookup(ResolverSpec.of("timestamp").thenOnTies(delta), "t").isRight(),
            "a merge as the tie rule of a rule that picks is allowed: exact ties merge");
        assertTrue(new ResolverRegistry().lookup(ResolverSpec.of("sql-function").withParameter("function", List.of("f"))
            .thenOnTies(ResolverSpec.of("site-priority")), "t").isRight(), "a function that does not merge may have a tie rule");
    }

    @Test
    void sqlFunctionNeedsOneFunctionAndTakesMerges() {
        ConfigError none = new ResolverRegistry().lookup(ResolverSpec.of("sql-function"), "t").getLeft();
        assertTrue(none.problem().contains("needs one function"), none.problem());
        ConfigError other = new ResolverRegistry().lookup(ResolverSpec.of("sql-function").withParameter("function", List.of("f"))
            .withParameter("procedure", List.of("g")), "t").getLeft();
        assertTrue(other.problem().contains("takes the parameters function and merges, found procedure"), other.problem());
        assertTrue(new ResolverRegistry().lookup(ResolverSpec.of("sql-function").withParameter("function", List.of("f"))
            .withParameter("merges", List.of("true")), "t").get().merges());
    }

    @Test
    void aConflictTypeCanHaveItsOwnRule() {
        NodeConfig config = NodeConfig.builder("A")
            .table(TableConfig.of("t").withResolver(ConflictType.UPDATE_MISSING_ROW, ResolverSpec.of("ignore")))
            .build();
        ConflictResolver r = new ResolverRegistry().forTable(config, "t").get();
        Conflicts update = Conflicts.update(Conflicts.row("id", 1, "a", 1), Conflicts.row("id", 1, "a", 2), 2000);
        assertEquals(Resolution.IGNORE, r.resolve(update.type(ConflictType.UPDATE_MISSING_ROW).deletedLocally(Conflicts.row("id", 1, "a", 1)).build()));
        assertEquals(Resolution.APPLY_REMOTE, r.resolve(update.build()), "other types go by the table's rule, timestamp");
    }

    @Test
    void theTablesRuleForATypeBeatsTheDefaultsRuleForIt() {
        NodeConfig config = NodeConfig.builder("A")
            .defaultResolver(ConflictType.UPDATE_CHANGED_ROW, ResolverSpec.of("manual"))
            .table(TableConfig.of("t").withResolver(ConflictType.UPDATE_CHANGED_ROW, ResolverSpec.of("keep-local")))
            .table("u")
            .build();
        Conflicts update = Conflicts.update(Conflicts.row("id", 1, "a", 1), Conflicts.row("id", 1, "a", 2), 2000);
        assertEquals(Resolution.KEEP_LOCAL, new ResolverRegistry().forTable(config, "t").get().resolve(update.build()));
        assertEquals(Resolution.PARK, new ResolverRegistry().forTable(config, "u").get().resolve(update.build()));
        assertEquals("keep-local", config.resolverOf("t", ConflictType.UPDATE_CHANGED_ROW).toString());
    }

    @Test
    void aMergingRuleForOneTypeMakesTheTableKeepColumnStamps() {
        NodeConfig config = NodeConfig.builder("A")
            .table(TableConfig.of("t").withResolver(ConflictType.UPDATE_CHANGED_ROW, ResolverSpec.of("column-merge")))
            .build();
        assertTrue(new ResolverRegistry().forTable(config, "t").get().merges());
    }

    @Test
    void anUnknownNameForAConflictTypeSaysWhichType() {
        NodeConfig config = NodeConfig.builder("A")
            .table(TableConfig.of("t").withResolver(ConflictType.INSERT_EXISTS, ResolverSpec.of("nope")))
            .build();
        ConfigError e = new ResolverRegistry().forTable(config, "t").getLeft();
        assertTrue(e.problem().startsWith("insert-exists: unknown resolver 'nope'"), e.problem());
    }

    @Test
    void aDeltaResolverIsConfiguredPerTable() {
        NodeConfig config = NodeConfig.builder("A")
            .table(TableConfig.of("stock").withResolver(ResolverSpec.of("delta").withParameter("columns", List.of("qty"))))
            .build();
        ConflictResolver r = new ResolverRegistry().forTable(config, "stock").get();
        assertEquals(List.of("qty"), assertInstanceOf(DeltaResolver.class, r).columns());
    }
}
