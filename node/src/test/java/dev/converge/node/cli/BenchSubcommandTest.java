package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Each mode of {@code converge bench}, run small as a user would type it: it must finish, having checked that the
 * peers converged (a run that did not fails the command), and print its lines. Never its speed.
 */
class BenchSubcommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int bench(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return ConvergeCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), all);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private void assertPrinted(String... lines) {
        for (String line : lines) {
            assertTrue(printed().contains(line), "bench should have printed '" + line + "', but printed:\n" + printed()
                + "\nand on stderr:\n" + err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void bulkOnPostgresqlComparesWithNativeLogicalReplicationAndSplitsTheStages() {
        assertEquals(0, bench("--rows", "1000", "--tx-rows", "500", "--runs", "1", "--compare", "native"), err::toString);
        assertPrinted("machine: ", "warm-up, not counted: ", "raw write", "with capture", "end to end A -> B", "native logical repl.", "Converge / native",
            "stages, one after the other", "sequencing", "shipping (encode + decode JSON)", "applying (receiver)",
            "the stages one after the other took", "steady A -> B");
    }

    @Test
    void bulkWithConflictsWritesOnBothPeersAtOnceAndConverges() {
        assertEquals(0, bench("--dialect", "h2", "--rows", "1000", "--tx-rows", "250", "--runs", "2", "--conflicts", "50"),
            err::toString);
        assertPrinted("also written on B at the same time", "end to end A <-> B", "conflicts recorded");
    }

    @Test
    void rateModePrintsLagPercentiles() {
        assertEquals(0, bench("--dialect", "h2", "--mode", "rate", "--rate", "500", "--tx-rows", "50", "--seconds", "1",
            "--runs", "1"), err::toString);
        assertPrinted("lag commit at A -> applied at B: p50 ", " p99 ", " max ", "written at ");
    }

    @Test
    void oltpModeReportsEachPeerAndTheTimeToConverge() {
        assertEquals(0, bench("--dialect", "h2", "--mode", "oltp", "--peers", "2", "--clients", "1", "--seconds", "1",
            "--accounts", "50", "--runs", "1"), err::toString);
        assertPrinted("peer A:", "peer B:", "tx/s without Converge", "with capture only (", "with Converge (", "every peer holds everything",
            "each share: the median of every run's rate over the same run's rate without Converge");
    }

    @Test
    void oltpModeOnPostgresqlRunsTheClientsOnANativeMeshToo() {
        assertEquals(0, bench("--mode", "oltp", "--peers", "2", "--clients", "1", "--seconds", "1", "--accounts", "50", "--runs", "1",
            "--compare", "native"), err::toString);
        assertPrinted("peer B:", "tx/s with native logical replication", "every peer holds everything",
            "native: every peer holds every history row");
    }

    @Test
    void oltpModeWithPgbenchsForeignKeysConverges() {
        assertEquals(0, bench("--dialect", "h2", "--mode", "oltp", "--peers", "2", "--clients", "1", "--seconds", "1",
            "--accounts", "50", "--runs", "1", "--foreign-keys"), err::toString);
        assertPrinted("pgbench's foreign keys", "peer B:", "every peer holds everything");
    }

    @Test
    void oltpModeAtAFixedRatePrintsTheLagToEveryOtherPeer() {
        assertEquals(0, bench("--dialect", "h2", "--mode", "oltp", "--peers", "3", "--clients", "1", "--seconds", "1",
            "--accounts", "50", "--tx-rate", "40", "--runs", "1"), err::toString);
        assertPrinted("40 tx/s per peer (open loop", "peer C:", "every peer holds everything",
            "lag commit at a peer -> applied at each other peer: p50 ", " p99 ", " max ");
        String printed = out.toString(StandardCharsets.UTF_8);
        java.util.regex.Matcher rate = java.util.regex.Pattern.compile("peer A: +([\\d,]+) tx/s without Converge").matcher(printed);
        assertTrue(rate.find(), printed);
        int asked = Integer.parseInt(rate.group(1).replace(",", ""));
        assertTrue(asked >= 30 && asked <= 41, "the clients keep to the fixed rate without Converge: " + printed);
    }

    @Test
    void aNegativeTransactionRateIsAUsageError() {
        assertEquals(2, bench("--dialect", "h2", "--mode", "oltp", "--tx-rate", "-1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--tx-rate must be"), err::toString);
    }

    @Test
    void nativeComparisonOnH2IsAUsageError() {
        assertEquals(2, bench("--dialect", "h2", "--compare", "native"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--compare native needs --dialect postgresql"), err::toString);
        assertEquals(2, bench("--dialect", "h2", "--mode", "oltp", "--compare", "native"));
    }
}
