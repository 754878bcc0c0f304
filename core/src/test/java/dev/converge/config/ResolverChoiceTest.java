package dev.converge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.conflict.ConflictType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Per-conflict-type rules and resolver parameters in the configuration records. */
class ResolverChoiceTest {
    private static final ResolverSpec IGNORE = ResolverSpec.of("ignore");
    private static final ResolverSpec MANUAL = ResolverSpec.of("manual");
    private static final ResolverSpec KEEP = ResolverSpec.of("keep-local");

    @Test
    void theMostSpecificRuleDecides() {
        NodeConfig c = NodeConfig.builder("A")
            .defaultResolver(ResolverSpec.of("earliest"))
            .defaultResolver(ConflictType.INSERT_EXISTS, MANUAL)
            .defaultResolver(ConflictType.UPDATE_MISSING_ROW, MANUAL)
            .table(TableConfig.of("t").withResolver(KEEP).withResolver(ConflictType.UPDATE_MISSING_ROW, IGNORE))
            .table("u")
            .build();
        assertEquals(IGNORE, c.resolverOf("t", ConflictType.UPDATE_MISSING_ROW), "table and type");
        assertEquals(MANUAL, c.resolverOf("t", ConflictType.INSERT_EXISTS), "defaults and type");
        assertEquals(KEEP, c.resolverOf("t", ConflictType.UPDATE_CHANGED_ROW), "table");
        assertEquals(ResolverSpec.of("earliest"), c.resolverOf("u", ConflictType.UPDATE_CHANGED_ROW), "defaults");
        assertEquals(KEEP, c.resolverOf("T", ConflictType.DELETE_CHANGED_ROW), "a table matched ignoring case");
        assertEquals(EnumSet.of(ConflictType.INSERT_EXISTS, ConflictType.UPDATE_MISSING_ROW), c.typesWithOwnResolver("t"));
    }

    @Test
    void aTypeIsSetOnce() {
        var e = assertThrows(IllegalArgumentException.class,
            () -> TableConfig.of("t").withResolver(ConflictType.INSERT_EXISTS, IGNORE).withResolver(ConflictType.INSERT_EXISTS, MANUAL));
        assertTrue(e.getMessage().contains("already set to resolver ignore"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder("A")
            .defaultResolver(ConflictType.INSERT_EXISTS, IGNORE).defaultResolver(ConflictType.INSERT_EXISTS, IGNORE));
    }

    @Test
    void typesNoResolverDecidesAreRefused() {
        for (ConflictType t : List.of(ConflictType.TRANSACTION, ConflictType.ERROR)) {
            var e = assertThrows(IllegalArgumentException.class, () -> TableConfig.of("t").withResolver(t, IGNORE));
            assertTrue(e.getMessage().startsWith("no resolver decides " + t.word()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder("A").defaultResolver(t, IGNORE));
        }
    }

    @Test
    void uniqueCollisionsTakeARuleOfTheirOwn() {
        assertEquals(Map.of(ConflictType.CONSTRAINT, IGNORE), TableConfig.of("t").withResolver(ConflictType.CONSTRAINT, IGNORE).resolverByType());
    }

    @Test
    void theOtherWithersKeepTheTypeRules() {
        TableConfig t = TableConfig.of("t").withResolver(ConflictType.INSERT_EXISTS, IGNORE)
            .withFilter("a > 1").withColumns(List.of("a")).withScope(ConflictScope.TRANSACTION).withResolver(KEEP);
        assertEquals(Map.of(ConflictType.INSERT_EXISTS, IGNORE), t.resolverByType());
    }

    @Test
    void parametersAreKeptInOrderAndShown() {
        ResolverSpec delta = ResolverSpec.of("delta").withParameter("columns", List.of("qty", "total"));
        assertEquals(Map.of("columns", List.of("qty", "total")), delta.parameters());
        assertEquals("delta(columns=qty,total) then site-priority", delta.thenOnTies(ResolverSpec.of("site-priority")).toString());
        assertThrows(IllegalArgumentException.class, () -> delta.withParameter("columns", List.of("x")));
        assertEquals(ResolverSpec.of("timestamp"), new ResolverSpec("timestamp", Optional.empty()));
    }
}
