package dev.converge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A node id is 1-16 characters of {@code [A-Za-z0-9_-]}; anything else is refused with the rule in the message. */
class NodeIdTest {
    @Test
    void theRuleIsTheCharacterClassAndTheLength() {
        for (String ok : List.of("A", "b", "0", "_", "-", "node-01_B", "abcdefghijklmnop")) {
            assertTrue(NodeId.isValid(ok), ok);
            assertEquals(ok, NodeId.of(ok).value());
        }
        for (String bad : List.of("", "abcdefghijklmnopq", "a b", "é", "a.b", "a/b", "ａ", "a\n", "Ä1")) {
            assertFalse(NodeId.isValid(bad), bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeId.of(bad));
            assertTrue(e.getMessage().startsWith("a node id is 1-16 characters of [A-Za-z0-9_-]"), e.getMessage());
        }
        assertFalse(NodeId.isValid(null));
        assertThrows(IllegalArgumentException.class, () -> NodeId.of(null));
    }
}
