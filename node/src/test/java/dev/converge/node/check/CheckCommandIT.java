package dev.converge.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.node.tls.TestCertificates;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge check} between two running peers over real HTTP, on both dialects: an equal pair exits 0; a pair
 * diverged behind replication's back exits 1 naming exactly the differing keys; rows written while the check runs are
 * not reported; an unknown table, an unknown or unreachable peer, and rules that differ exit 1 saying so.
 */
class CheckCommandIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int converge(String... args) {
        out.reset();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return dev.converge.node.cli.ConvergeCommand.execute(print, print, args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void fill(CheckPair pair, int rows) {
        StringBuilder insert = new StringBuilder("insert into item values ");
        for (int i = 1; i <= rows; i++) {
            insert.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'row ").append(i).append("', ").append(i).append(")");
        }
        pair.sql("A").execute(insert.toString());
        Await.until(() -> ((Number) pair.sql("B").scalar("select count(*) from item")).intValue() == rows, BOUND, "b has a's rows");
    }

    @AllDialects
    void anEqualPairExitsZeroAndADivergedOneNamesExactlyTheDifferingKeys(Dialect dialect) {
        try (CheckPair pair = new CheckPair(dialect, "check_cli")) {
            fill(pair, 500);
            Path config = pair.configOfA(dir, "");
            assertEquals(0, converge("check", "--config", config.toString(), "--peer", "B", "--progress", "none"), output());
            assertTrue(output().contains("watermarks matched"), output());
            assertTrue(output().toLowerCase().contains("item: 500 rows here, 500 on b: the same"), output());
            assertTrue(output().contains("A and B hold the same rows in 1 table"), output());

            pair.behindReplicationsBack("B", "delete from item where id = 7", "update item set qty = 1234 where id = 99",
                "insert into item values (9001, 'only on b', 1)");
            pair.behindReplicationsBack("A", "update item set name = 'changed at a' where id = 300");
            assertEquals(1, converge("check", "--config", config.toString(), "--peer", "B", "--table", "ITEM"), output());
            String o = output();
            assertTrue(o.toLowerCase().contains("item: 500 rows here, 500 on b: 4 keys differ"), o);
            assertTrue(o.matches("(?s).*missing on B\\s+\\{id=7}.*"), o);
            assertTrue(o.matches("(?s).*missing here\\s+\\{id=9001}.*"), o);
            assertTrue(o.matches("(?s).*values differ\\s+\\{id=99}: qty here 99, on B 1234.*"), o);
            assertTrue(o.matches("(?s).*values differ\\s+\\{id=300}: name here 'changed at a', on B 'row 300'.*"), o);
            assertTrue(o.contains("A and B DIFFER: 4 keys in 1 of 1 tables"), o);
            assertFalse(o.contains("id=8}"), "no other key is named: " + o);
        }
    }

    @Test
    void aCheckAgainstAPeerServingHttpsVerifiesItsCertificate() {
        TestCertificates certs = new TestCertificates(dir);
        certs.truststore("a-trusts-a", "a");
        certs.truststore("a-trusts-b", "b");
        try (CheckPair pair = new CheckPair(Dialect.H2, "check_tls", certs.tls("a", "a", "b"), certs.tls("b", "a", "b"))) {
            fill(pair, 50);
            String tls = "tls: {keystore: a.p12, password: \"" + TestCertificates.PASSWORD + "\", truststore: %s, "
                + "truststore_password: \"" + TestCertificates.PASSWORD + "\"}";
            Path trusting = pair.configOfA(dir, "a.yaml", "", tls.formatted("a-trusts-b.p12"));
            assertEquals(0, converge("check", "--config", trusting.toString(), "--peer", "B", "--progress", "none"), output());
            assertTrue(output().contains("A and B hold the same rows in 1 table"), output());

            Path untrusting = pair.configOfA(dir, "a-untrusting.yaml", "", tls.formatted("a-trusts-a.p12"));
            assertEquals(1, converge("check", "--config", untrusting.toString(), "--peer", "B", "--progress", "none"), output());
            assertTrue(output().contains("the certificate 127.0.0.1 presents is not trusted here"), output());
            assertFalse(output().contains(TestCertificates.PASSWORD), output());
        }
    }

    @AllDialects
    void rowsWrittenWhileTheCheckRunsAreNotReported(Dialect dialect) throws Exception {
        try (CheckPair pair = new CheckPair(dialect, "check_busy")) {
            fill(pair, 200);
            pair.behindReplicationsBack("B", "update item set qty = -1 where id = 50");
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int i = 1; writing.get() && i <= 400; i++) {
                    pair.sql(i % 2 == 0 ? "A" : "B").execute("insert into item values (" + (10_000 + i) + ", 'written during the check', " + i + ")");
                    written.set(i);
                    pace();
                }
            });
            writer.start();
            try {
                Await.until(() -> written.get() >= 20, BOUND, "the writer is writing");
                int exit = converge("check", "--config", pair.configOfA(dir, "").toString(), "--peer", "B", "--settle", "1");
                String o = output();
                assertEquals(1, exit, o);
                assertTrue(o.contains("1 key differ"), "only the key changed behind replication's back: " + o);
                assertTrue(o.matches("(?s).*values differ\\s+\\{id=50}: qty here 50, on B -1.*"), o);
            } finally {
                writing.set(false);
                writer.join();
            }
        }
    }

    /** An application's pace, some 50 writes a second, rather than a loop that starves H2's lock queue. */
    private static void pace() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anUnknownTableOrPeerAPeerDownAndRulesThatDifferExitOneSayingSo() {
        try (CheckPair pair = new CheckPair(Dialect.H2, "check_refused")) {
            Path config = pair.configOfA(dir, "");
            assertEquals(1, converge("check", "--config", config.toString(), "--peer", "B", "--table", "nosuch"), output());
            assertTrue(output().contains("table nosuch is not replicated by A"), output());
            assertEquals(1, converge("check", "--config", config.toString(), "--peer", "C"), output());
            assertTrue(output().contains("C is not a peer of A"), output());

            Path filtered = pair.configOfA(dir, "\n    filter: \"qty > 0\"");
            assertEquals(1, converge("check", "--config", filtered.toString(), "--peer", "B", "--progress", "none"), output());
            assertTrue(output().contains("cannot check against B") && output().contains("filter"), output());

            pair.stopB();
            assertEquals(1, converge("check", "--config", pair.configOfA(dir, "").toString(), "--peer", "B", "--progress", "none"), output());
            assertTrue(output().contains("cannot check against B") && output().contains("cannot reach"), output());
        }
    }

    @Test
    void aWrongCommandLineExitsTwo() {
        assertEquals(2, converge("check", "--peer", "B"), "--config is required");
        assertEquals(2, converge("check", "--config", "x.yaml", "--peer", "B", "--max-keys", "many"));
    }
}
