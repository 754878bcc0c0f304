package dev.converge.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** How the OLTP benchmark reports the clients' tries that failed and were tried again. */
class OltpFailuresTest {
    @Test
    void failedTriesAreCountedBySqlStateAndNamed() {
        Map<String, LongAdder> byState = new TreeMap<>();
        assertEquals("0", OltpBenchmark.failures(byState), "No failed try prints as 0.");
        add(byState, "40P01", 1200);
        add(byState, "55P03", 4);
        add(byState, "XX000", 1);
        assertEquals("1,205 (40P01 deadlock 1,200, 55P03 lock timeout 4, XX000 1)", OltpBenchmark.failures(byState),
            "The total, then each SQLSTATE with its name where the benchmark knows it.");
    }

    private static void add(Map<String, LongAdder> byState, String state, int n) {
        byState.computeIfAbsent(state, s -> new LongAdder()).add(n);
    }
}
