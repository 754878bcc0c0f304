package dev.converge.resolvers.sql;

import static dev.converge.resolvers.Conflicts.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.conflict.Conflict;
import dev.converge.conflict.Resolution;
import dev.converge.resolvers.Conflicts;
import org.junit.jupiter.api.Test;

class AnswerTest {
    private static final Conflict UPDATE = Conflicts.update(row("id", 1, "qty", 5), row("id", 1, "qty", 7), 2000).build();
    private static final Conflict DELETE = Conflicts.delete(row("id", 1, "qty", 5), 2000).build();

    @Test
    void wordsAndObjectsAreTheSameDecisions() {
        assertEquals(Resolution.APPLY_REMOTE, Answer.read("apply-remote", UPDATE));
        assertEquals(Resolution.KEEP_LOCAL, Answer.read("{\"decision\": \"keep-local\"}", UPDATE));
        assertEquals(Resolution.PARK, Answer.read(" \"park\" ", UPDATE));
        assertEquals(Resolution.IGNORE, Answer.read("{\"decision\": \"ignore\", \"row\": null}", UPDATE));
    }

    @Test
    void mergeCarriesItsRowWithExactNumbers() {
        Resolution r = Answer.read("{\"decision\": \"merge\", \"row\": {\"id\": 1, \"qty\": 12, \"price\": 1.50}}", UPDATE);
        assertEquals(new Resolution.Merge(row("id", 1L, "qty", 12L, "price", new java.math.BigDecimal("1.50"))), r);
    }

    @Test
    void deleteLetsTheDeletingSideWin() {
        assertEquals(Resolution.APPLY_REMOTE, Answer.read("delete", DELETE));
        Conflict deletedHere = Conflicts.update(row("id", 1, "qty", 5), row("id", 1, "qty", 7), 2000).deletedLocally(row("id", 1, "qty", 5)).build();
        assertEquals(Resolution.KEEP_LOCAL, Answer.read("delete", deletedHere));
        assertTrue(assertThrows(Answer.Refused.class, () -> Answer.read("delete", UPDATE)).getMessage().contains("neither write deletes"));
    }

    @Test
    void anythingElseIsRefusedSayingWhat() {
        assertTrue(refused(null).contains("answered NULL"));
        assertTrue(refused("{\"decision\": \"merge\"}").contains("without a row object"));
        assertTrue(refused("{\"decision\": \"keep-local\", \"row\": {\"id\": 1}}").contains("only merge takes a row"));
        assertTrue(refused("{\"decision\": \"keep-local\", \"why\": \"x\"}").contains("unknown key(s) [why]"));
        assertTrue(refused("{\"winner\": \"local\"}").contains("unknown key(s) [winner]"));
        assertTrue(refused("{\"decision\": 3}").contains("no decision"));
        assertTrue(refused("{not json").contains("not JSON"));
        assertTrue(refused("keep local").contains("known: apply-remote, keep-local, merge, delete, park, ignore"));
    }

    private static String refused(String answer) {
        return assertThrows(Answer.Refused.class, () -> Answer.read(answer, UPDATE)).getMessage();
    }
}
