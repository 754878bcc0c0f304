package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.conflict.Resolution;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    @Test
    void everyKindOfResolutionIsCarriedOut() {
        assertEquals(Set.of(Resolution.class.getPermittedSubclasses()), Planner.HANDLED,
            "The planner handles exactly the kinds the sealed Resolution permits; a new kind needs its own branch in Planner.resolved.");
    }
}
